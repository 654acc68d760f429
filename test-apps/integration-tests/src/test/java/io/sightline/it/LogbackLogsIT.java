package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedLog;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Logback (through SLF4J) and java.util.logging in one app. */
class LogbackLogsIT extends AbstractLogsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Override
  String module() {
    return "logback-app";
  }

  @Override
  String expectedLookups(String traceId, String spanId, String requestId) {
    return "mdc trace_id=" + traceId + " span_id=" + spanId + " request_id=" + requestId + " copy_trace_id=" + traceId;
  }

  /**
   * With {@code jul-to-slf4j} installed (as Spring Boot does), a java.util.logging record reaches
   * Logback: it is exported once, from Logback, not a second time from JUL.
   */
  @Test
  void aJulRecordBridgedToLogbackIsExportedOnce() {
    try (OtlpReceiver bridged = OtlpReceiver.start();
         TestApp app = TestApp.app(module()).exportTo(bridged)
             .property("otel.service.name", "jul-bridge-it")
             .property("otel.blrp.schedule.delay", "100")
             .property("app.jul-bridge", "true")
             .start()) {
      assertThat(app.get("/work/bridged").statusCode()).isEqualTo(200);
      List<ReceivedLog> records = Wait.until(() -> bridged.logs().stream()
          .filter(r -> !r.traceId().isEmpty()).toList(), l -> l.size() >= 4, WAIT, "the request's records");
      // Anything exported twice has arrived by now.
      Wait.until(() -> bridged.logs().stream().filter(r -> "outside any request".equals(r.body())).toList(),
          l -> !l.isEmpty(), WAIT, "the startup record");
      records = bridged.logs().stream().filter(r -> !r.traceId().isEmpty()).toList();
      assertThat(records).extracting(ReceivedLog::body)
          .containsExactlyInAnyOrder("work step one", "work step two", "work step three", "work through jul");
      ReceivedLog jul = records.stream().filter(r -> r.body().equals("work through jul")).findFirst().orElseThrow();
      assertThat(jul.scope().getName()).isEqualTo("orders.jul");
      assertThat(jul.log().getSeverityNumberValue()).isEqualTo(9);
    }
  }

  /**
   * The OTLP log exporter fails (nothing listens), so the agent's SDK logs warnings: none of them
   * may become a log record (it would fail to export, be logged, and so on). java.util.logging is
   * instrumented in this app. A second, console exporter shows what was captured.
   */
  @Test
  void theSdksOwnWarningsAreNeverCaptured() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (TestApp app = TestApp.app(module())
        .property("otel.traces.exporter", "none")
        .property("otel.metrics.exporter", "none")
        .property("otel.logs.exporter", "otlp,console")
        .property("otel.exporter.otlp.logs.endpoint", "http://127.0.0.1:" + closedPort + "/v1/logs")
        .property("otel.exporter.otlp.timeout", "1000")
        .property("otel.blrp.schedule.delay", "100")
        .start()) {
      app.get("/work/loop");
      Wait.until(app::stderrLines,
          l -> l.stream().anyMatch(s -> s.startsWith("[sightline] WARN") && s.contains("Failed to export logs"))
              && l.stream().anyMatch(s -> s.contains("orders.jul: ValueString{work through jul}")),
          Duration.ofSeconds(20), "the SDK's export warning and the app's JUL record");
      app.get("/work/loop-again");
      Wait.until(app::stderrLines, l -> l.stream().filter(s -> s.contains("ValueString{work step three}")).count() >= 2,
          Duration.ofSeconds(20), "the second request's records");
      assertThat(app.stderrLines()).filteredOn(s -> s.startsWith("[sightline] log "))
          .noneMatch(s -> s.contains("io.sightline"))
          .noneMatch(s -> s.contains("Failed to export"));
    }
  }
}
