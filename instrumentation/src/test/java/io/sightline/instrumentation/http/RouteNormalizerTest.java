package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteNormalizerTest {
  @ParameterizedTest
  @CsvSource({
      "/, /",
      "'', /",
      "/hello, /hello",
      "/users/98765, /users/{id}",
      "/users/98765/orders, /users/{id}/orders",
      "/users/98765/orders/12, /users/{id}/orders/{id}",
      "/orders/123e4567-e89b-12d3-a456-426614174000, /orders/{id}",
      "/commits/9fceb02d0ae598e95dc970b74767f19372d61af8, /commits/{id}",
      "/objects/5f2b8c1e, /objects/{id}",
      "/sessions/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg, /sessions/{id}",
      "/api/v1/items, /api/v1/items",
      "/api/v2/users/7/profile, /api/v2/users/{id}/profile",
      "/orders/ord-98765, /orders/{id}",
      "/reports/2024-11-26, /reports/{id}",
      "/static/app.js, /static/app.js",
      "/deadbeef, /deadbeef",
      "/users/, /users/",
      "/a/b/c/d/e/f/g/h/i/j/k/l/m/n, /a/b/c/d/e/f/g/h/i/j/k/l/{rest}",
  })
  void normalizes(String path, String route) {
    assertThat(RouteNormalizer.normalize(path)).isEqualTo(route);
  }
}
