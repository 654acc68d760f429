package io.sightline.it;

/** Embedded Tomcat 11, jakarta.servlet 6.1. */
class TomcatServletIT extends ServletServerScenario {
  @Override
  String module() {
    return "tomcat-app";
  }
}
