package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedLog;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
   * The agent's own span and log record types (the default) and the SDK's
   * ({@code sightline.export.agent-records=false}) export the same request alike: the SERVER span's
   * name, kind and attributes, and each log record's scope, severity, body and attribute keys.
   */
  @Test
  void theSdksOwnRecordTypesExportTheSameTelemetry() {
    List<String> own = exported("true");
    List<String> sdks = exported("false");
    assertThat(own).hasSize(5); // the span and four records
    assertThat(own).isEqualTo(sdks);
  }

  /** The request's SERVER span and log records, each as a line of what must not differ. */
  private List<String> exported(String agentRecords) {
    try (OtlpReceiver to = OtlpReceiver.start();
         TestApp app = TestApp.app(module()).exportTo(to)
             .property("otel.service.name", "record-types-it")
             .property("sightline.export.agent-records", agentRecords)
             .start()) {
      assertThat(app.get("/work/otlp", "X-Request-ID", "record-types-1").statusCode()).isEqualTo(200);
      ReceivedSpan span = to.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, WAIT).get(0);
      List<ReceivedLog> records = Wait.until(() -> to.logs().stream()
          .filter(r -> span.traceId().equals(r.traceId())).toList(), l -> l.size() >= 4, WAIT, "4 log records");
      Map<String, Object> spanAttributes = new TreeMap<>(span.attributes());
      spanAttributes.replace("server.port", "(port)");
      List<String> lines = new ArrayList<>();
      lines.add(span.name() + " " + span.kind() + " " + span.statusCode() + " " + spanAttributes
          + " dropped=" + span.span().getDroppedAttributesCount());
      records.stream()
          .map(r -> r.scope().getName() + " " + r.log().getSeverityNumberValue() + " " + r.log().getSeverityText()
              + " " + r.body() + " " + new TreeMap<>(r.attributes()).keySet() + " span=" + r.spanId().equals(span.spanId())
              + " dropped=" + r.log().getDroppedAttributesCount())
          .sorted()
          .forEach(lines::add);
      return lines;
    }
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
