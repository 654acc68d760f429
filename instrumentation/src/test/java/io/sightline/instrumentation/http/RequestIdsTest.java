package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void keepsSafeIncomingIds() {
    assertThat(RequestIds.resolve("req-1.2_3:abc/x=y+z")).isEqualTo("req-1.2_3:abc/x=y+z");
  }

  @Test
  void replacesUnsafeOrOverlongIds() {
    assertThat(RequestIds.resolve("a b")).matches("[0-9a-f]{32}");
    assertThat(RequestIds.resolve("<script>")).matches("[0-9a-f]{32}");
    assertThat(RequestIds.resolve("x".repeat(129))).matches("[0-9a-f]{32}");
    assertThat(RequestIds.resolve("x".repeat(128))).isEqualTo("x".repeat(128));
    assertThat(RequestIds.resolve(null)).matches("[0-9a-f]{32}");
  }

  @Test
  void generatedIdsDiffer() {
    assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
  }
}
