package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.Project;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent loaded into a running JVM ({@code agentmain}, through the attach API) by an operator
 * who cannot restart it: the JDK HttpServer app has already created its contexts and served
 * requests, and the requests after the attach are traced like those of an app started with
 * {@code -javaagent}.
 */
class LateAttachIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void requestsAfterTheAttachAreTraced() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
         // The settings are the JVM's own system properties, there before the agent is.
         TestApp app = TestApp.app("jdk-http-server-app").withoutAgent()
             .exportTo(receiver)
             .property("otel.service.name", "attached-it")
             .start()) {
      assertThat(app.get("/users/1").statusCode()).isEqualTo(200); // contexts created, and used
      VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid()));
      try {
        vm.loadAgent(Project.agentJar().toString());
      } finally {
        vm.detach();
      }
      assertThat(app.output()).contains("Sightline").contains("started");

      assertThat(app.get("/users/98765").statusCode()).isEqualTo(200);
      assertThat(app.get("/users/98766").headers().firstValue("X-Request-ID")).isPresent();

      receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 2, WAIT);
      Thread.sleep(500); // nothing more may arrive
      List<ReceivedSpan> servers = receiver.spans().stream()
          .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER).toList();
      assertThat(servers).extracting(ReceivedSpan::name).containsExactly("GET /users/{id}", "GET /users/{id}");
      assertThat(servers).extracting(s -> s.attribute("url.path"))
          .containsExactlyInAnyOrder("/users/98765", "/users/98766");
      assertThat(servers).allSatisfy(s -> assertThat(s.resourceAttributes()).containsEntry("service.name", "attached-it"));
    }
  }
}
