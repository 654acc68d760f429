package io.sightline.it;

/** Jetty 12.1 ee10, jakarta.servlet 6.0. */
class JettyServletIT extends ServletServerScenario {
  @Override
  String module() {
    return "jetty-app";
  }
}
