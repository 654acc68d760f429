package io.sightline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.agent.exporter.LoopbackOtlpSink;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SDK that AgentTelemetry builds creates no OTLP exporter (no HttpClient) until the first export. */
class AgentTelemetryLazyExportTest {
  /** The JDK HttpClient starts one selector thread per client, named HttpClient-N-SelectorManager. */
  private static long httpClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager"))
        .count();
  }

  @Test
  void buildingTheSdkCreatesNoExporterAndAllThreeSignalsArriveAfterTheFirstExports() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink()) {
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("otel.exporter.otlp.endpoint", sink.endpoint());
      properties.put("otel.service.name", "lazy-export-test");
      properties.put("otel.bsp.schedule.delay", "50");
      properties.put("otel.blrp.schedule.delay", "50");
      properties.put("otel.metric.export.interval", "200");
      properties.forEach(System::setProperty);
      AgentTelemetry telemetry = null;
      try {
        long clientsBefore = httpClientThreads();
        telemetry = AgentTelemetry.start(AgentTelemetry.class.getClassLoader(), "test");
        OpenTelemetry otel = telemetry.openTelemetry();
        String sdk = otel.toString();
        assertThat(sdk).contains("LazyOtlpExporter{signal=traces, created=false}",
            "LazyOtlpExporter{signal=metrics, created=false}", "LazyOtlpExporter{signal=logs, created=false}");
        assertThat(httpClientThreads()).isLessThanOrEqualTo(clientsBefore);

        otel.getTracer("test").spanBuilder("lazy").startSpan().end();
        otel.getLogsBridge().get("test").logRecordBuilder().setBody("lazy").emit();
        otel.getMeter("test").counterBuilder("lazy.count").build().add(1);
        assertThat(sink.awaitPosts(10_000, "/v1/traces", "/v1/logs", "/v1/metrics"))
            .as("posts to the three OTLP paths").isTrue();
        assertThat(otel.toString()).doesNotContain("created=false");
      } finally {
        if (telemetry != null) {
          telemetry.shutdown(5_000);
        }
        properties.keySet().forEach(System::clearProperty);
      }
    }
  }
}
