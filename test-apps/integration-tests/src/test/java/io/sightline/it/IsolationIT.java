package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.TestApp;
import org.junit.jupiter.api.Test;

/** The application keeps its own versions of the libraries the agent bundles. */
class IsolationIT {
  @Test
  void appSeesItsOwnJacksonAndByteBuddy() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver).start()) {
      String body = app.get("/versions").body();
      assertThat(body).isEqualTo(
          "{\"jackson\":\"2.17.2\",\"bytebuddy\":\"1.14.12\",\"bytebuddyLoader\":\"true\",\"bytebuddyWorks\":\"true\"}");
      assertThat(receiver.awaitSpans(s -> "GET /versions".equals(s.name()), 1, java.time.Duration.ofSeconds(20))).hasSize(1);
    }
  }
}
