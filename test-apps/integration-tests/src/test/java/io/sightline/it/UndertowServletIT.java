package io.sightline.it;

/** Undertow 2.3 servlet, jakarta.servlet 6.0. */
class UndertowServletIT extends ServletServerScenario {
  @Override
  String module() {
    return "undertow-app";
  }
}
