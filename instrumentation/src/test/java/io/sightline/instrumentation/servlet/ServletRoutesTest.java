package io.sightline.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServletRoutesTest {
  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      // context, servletPath, pathInfo, match, pattern -> route
      "'', /hello, null, EXACT, /hello, /hello",
      "/shop, /hello, null, EXACT, /hello, /shop/hello",
      "'', /users, /98765, PATH, /users/*, /users/*",
      "/shop, /orders, /1/items, PATH, /orders/*, /shop/orders/*",
      "'', '', /users/98765, PATH, /*, null",
      "'', /users/98765, null, DEFAULT, /, null",
      "'', /index.jsp, null, EXTENSION, *.jsp, /*.jsp",
      "'', '', /, CONTEXT_ROOT, '', /",
      "/shop, '', /, CONTEXT_ROOT, '', /shop/",
      // Servlet 3.x: no mapping API
      "'', /users, /98765, null, null, /users/*",
      "'', /hello, null, null, null, null",
      "'', '', /users/1, null, null, null",
  })
  void routeFromMapping(String context, String servletPath, String pathInfo, String match, String pattern, String route) {
    assertThat(ServletRoutes.fromMapping(context, servletPath, pathInfo, match, pattern)).isEqualTo(route);
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "'', /api, /orders/7, PATH, /api/*, /api",
      "/shop, /api, /orders/7, PATH, /api/*, /shop/api",
      "'', /orders/7, null, DEFAULT, /, ''",
      "/shop, /orders/7, null, DEFAULT, /, /shop",
      "'', '', /orders/7, PATH, /*, ''",
      "'', /api, /orders/7, null, null, /api",
  })
  void frameworkPatternPrefix(String context, String servletPath, String pathInfo, String match, String pattern, String prefix) {
    assertThat(ServletRoutes.frameworkPrefix(context, servletPath, pathInfo, match, pattern)).isEqualTo(prefix);
  }

  @Test
  void frameworkPatternIsJoinedToThePrefix() {
    assertThat(ServletRoutes.withFrameworkPattern("/api", "/orders/{id}")).isEqualTo("/api/orders/{id}");
    assertThat(ServletRoutes.withFrameworkPattern("", "/orders/{id}")).isEqualTo("/orders/{id}");
    assertThat(ServletRoutes.withFrameworkPattern("", "orders/{id}")).isEqualTo("/orders/{id}");
    assertThat(ServletRoutes.withFrameworkPattern("/api", null)).isNull();
    assertThat(ServletRoutes.withFrameworkPattern("/api", "")).isNull();
  }
}
