package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SemanticAttributesTest {
  @Test
  void protocolVersionsOfHttpOnly() {
    assertThat(SemanticAttributes.protocolVersion("HTTP/1.1")).isEqualTo("1.1");
    assertThat(SemanticAttributes.protocolVersion("HTTP/1.0")).isEqualTo("1.0");
    assertThat(SemanticAttributes.protocolVersion("HTTP/2.0")).isEqualTo("2.0");
    assertThat(SemanticAttributes.protocolVersion("HTTP/2")).isEqualTo("2");
    assertThat(SemanticAttributes.protocolVersion("HTTP/3")).isEqualTo("3");
    assertThat(SemanticAttributes.protocolVersion("SPDY/3")).isNull();
    assertThat(SemanticAttributes.protocolVersion(null)).isNull();
  }

  @Test
  void statusCodesAreBoxedOnceInRangeAndStillRightOutsideIt() {
    assertThat(SemanticAttributes.statusCode(200)).isEqualTo(200L).isSameAs(SemanticAttributes.statusCode(200));
    assertThat(SemanticAttributes.statusCode(100)).isEqualTo(100L);
    assertThat(SemanticAttributes.statusCode(599)).isEqualTo(599L);
    assertThat(SemanticAttributes.statusCode(600)).isEqualTo(600L);
    assertThat(SemanticAttributes.statusCode(99)).isEqualTo(99L);
  }
}
