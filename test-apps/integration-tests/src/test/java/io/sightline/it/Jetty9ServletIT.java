package io.sightline.it;

/** Jetty 9.4, javax.servlet 3.1: no HttpServletMapping, routes from servlet path and path info. */
class Jetty9ServletIT extends ServletServerScenario {
  @Override
  String module() {
    return "jetty9-app";
  }
}
