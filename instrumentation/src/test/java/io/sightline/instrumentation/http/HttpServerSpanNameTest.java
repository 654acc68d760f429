package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpServerSpanNameTest {
  @Test
  void methodAndRouteOrTheMethodAlone() {
    assertThat(HttpServerTelemetry.spanName("GET", "/users/{id}")).isEqualTo("GET /users/{id}");
    assertThat(HttpServerTelemetry.spanName("_OTHER", "/users/{id}")).isEqualTo("HTTP /users/{id}");
    assertThat(HttpServerTelemetry.spanName("GET", null)).isEqualTo("GET");
    assertThat(HttpServerTelemetry.spanName("_OTHER", null)).isEqualTo("HTTP");
  }

  /** One test: the names are kept in a static table, which the second half fills. */
  @Test
  void keptNamesAreSharedPerMethodAndRoutesPastTheKeptOnesStillGetTheirNames() {
    String first = HttpServerTelemetry.spanName("POST", "/orders");
    assertThat(HttpServerTelemetry.spanName("POST", new String("/orders"))).isSameAs(first);
    String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"};
    for (String method : methods) {
      assertThat(HttpServerTelemetry.spanName(method, "/orders")).isEqualTo(method + " /orders");
    }

    for (int i = 0; i < 3000; i++) {
      assertThat(HttpServerTelemetry.spanName("GET", "/r" + i)).isEqualTo("GET /r" + i);
      assertThat(HttpServerTelemetry.spanName("DELETE", "/r" + i)).isEqualTo("DELETE /r" + i);
    }
  }
}
