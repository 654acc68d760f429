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
  void generatedIdsAre32LowercaseHexDigitsAndDiffer() {
    String id = RequestIds.generate();
    assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo(RequestIds.generate());
    java.util.Set<Character> digits = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      for (char c : RequestIds.generate().toCharArray()) {
        digits.add(c);
      }
    }
    assertThat(digits).hasSize(16);
  }
}
