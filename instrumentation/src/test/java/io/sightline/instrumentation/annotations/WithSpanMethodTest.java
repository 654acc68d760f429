package io.sightline.instrumentation.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WithSpanMethodTest {
  @SuppressWarnings("unused")
  static CompletableFuture<String> sample(int a, long[] b, String c, List<String>[] d, boolean e) {
    return null;
  }

  @Test
  void descriptorMatchesByteBuddysOriginFormat() throws NoSuchMethodException {
    assertThat(WithSpanMethod.descriptor(WithSpanMethodTest.class.getDeclaredMethod(
        "sample", int.class, long[].class, String.class, List[].class, boolean.class)))
        .isEqualTo("(I[JLjava/lang/String;[Ljava/util/List;Z)Ljava/util/concurrent/CompletableFuture;");
  }

  @Test
  void applicationNamesEscapeRelocation() {
    // Built at run time: a relocated agent jar would otherwise rewrite these constants.
    assertThat(ApplicationApiNames.WITH_SPAN).isEqualTo("io.opentelemetry.instrumentation.annotations.WithSpan");
    assertThat(ApplicationApiNames.of("api.GlobalOpenTelemetry")).isEqualTo("io.opentelemetry.api.GlobalOpenTelemetry");
  }
}
