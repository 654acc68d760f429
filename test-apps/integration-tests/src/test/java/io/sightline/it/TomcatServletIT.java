package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Embedded Tomcat 11, jakarta.servlet 6.1. */
class TomcatServletIT extends ServletServerScenario {
  @Override
  String module() {
    return "tomcat-app";
  }

  @Test
  void servletInstrumentationCanBeSwitchedOff() {
    try (OtlpReceiver own = OtlpReceiver.start();
        TestApp off = TestApp.app(module()).exportTo(own).property("otel.instrumentation.servlet.enabled", "false").start()) {
      HttpResponse<String> response = off.get("/hello");
      assertThat(response.statusCode()).isEqualTo(200);
      // The hook sets the header on every traced request, before the application runs.
      assertThat(response.headers().firstValue("X-Request-ID")).isEmpty();
      assertThat(off.stderrLines()).anyMatch(l -> l.contains("instrumentations=[") && !l.contains("servlet"));
    }
  }
}
