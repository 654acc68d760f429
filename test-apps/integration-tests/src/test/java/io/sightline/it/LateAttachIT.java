package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.Otlp;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.Project;
import io.sightline.testing.ReceivedMetric;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
      // loadAgent returns once agentmain has; its start line reaches this JVM a moment later.
      Wait.until(app::output, out -> out.contains("Sightline") && out.contains("started"), WAIT, "the agent's start line");

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

  /**
   * Connection pools created and used before the attach (HikariCP, DBCP2, Tomcat JDBC) report
   * their metrics from their first connection request after it, with the limits of their own
   * configuration, and their statements are traced.
   */
  @Test
  void poolsCreatedBeforeTheAttachReportFromTheirNextConnection() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
         TestApp app = TestApp.app("jdbc-app").withoutAgent()
             .exportTo(receiver)
             .property("otel.service.name", "attached-jdbc-it")
             .property("otel.metric.export.interval", "500ms")
             .start()) {
      for (String pool : new String[] {"h2", "dbcp", "tomcat"}) {
        assertThat(app.get("/" + pool + "/prepared?id=98765").statusCode()).isEqualTo(200);
      }
      VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid()));
      try {
        vm.loadAgent(Project.agentJar().toString());
      } finally {
        vm.detach();
      }
      for (String pool : new String[] {"h2", "dbcp", "tomcat"}) {
        assertThat(app.get("/" + pool + "/prepared?id=98765").statusCode()).isEqualTo(200);
      }

      Map<String, Long> expectedMax = Map.of("h2-pool", 4L, "orders", 3L, "tomcat-h2", 5L);
      List<ReceivedMetric> metrics = receiver.awaitMetrics(list -> maxByPool(list).equals(expectedMax), WAIT);
      assertThat(maxByPool(metrics)).isEqualTo(expectedMax);
      assertThat(receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT, 3, WAIT))
          .extracting(s -> s.attribute("db.query.text")).containsOnly("SELECT note FROM orders WHERE id = ?");
    }
  }

  /** The last db.client.connection.max of each pool. */
  private static Map<String, Long> maxByPool(List<ReceivedMetric> metrics) {
    Map<String, Long> max = new HashMap<>();
    for (ReceivedMetric metric : metrics) {
      if (metric.name().equals("db.client.connection.max")) {
        for (NumberDataPoint point : metric.numberPoints()) {
          max.put((String) Otlp.attributes(point.getAttributesList()).get("db.client.connection.pool.name"), point.getAsInt());
        }
      }
    }
    return max;
  }
}
