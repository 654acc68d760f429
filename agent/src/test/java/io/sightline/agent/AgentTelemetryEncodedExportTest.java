package io.sightline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.agent.exporter.LoopbackOtlpSink;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which span and log processors AgentTelemetry ends up with: the encoded ones for OTLP over
 * HTTP/protobuf, the SDK's own for anything else or when switched off, and never a leftover thread.
 */
class AgentTelemetryEncodedExportTest {

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
  }

  private static String processorsWith(Map<String, String> extra, LoopbackOtlpSink sink, boolean expectPosts)
      throws Exception {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("otel.exporter.otlp.endpoint", sink.endpoint());
    properties.put("otel.service.name", "encoded-export-test");
    properties.put("otel.bsp.schedule.delay", "50");
    properties.put("otel.blrp.schedule.delay", "50");
    properties.put("otel.metrics.exporter", "none");
    properties.putAll(extra);
    properties.forEach(System::setProperty);
    long batchThreadsBefore = threadsNamed("BatchSpanProcessor_WorkerThread")
        + threadsNamed("BatchLogRecordProcessor_WorkerThread");
    AgentTelemetry telemetry = null;
    try {
      telemetry = AgentTelemetry.start(AgentTelemetry.class.getClassLoader(), "test");
      OpenTelemetry otel = telemetry.openTelemetry();
      String description = otel.toString();
      if (description.contains("EncodedSpanProcessor")) {
        // The SDK's processor it replaced has stopped its worker.
        long deadline = System.currentTimeMillis() + 5_000;
        while (threadsNamed("BatchSpanProcessor_WorkerThread") + threadsNamed("BatchLogRecordProcessor_WorkerThread")
            > batchThreadsBefore && System.currentTimeMillis() < deadline) {
          Thread.sleep(10);
        }
        // At most as many as before: an earlier test's SDK workers may still be stopping.
        assertThat(threadsNamed("BatchSpanProcessor_WorkerThread") + threadsNamed("BatchLogRecordProcessor_WorkerThread"))
            .isLessThanOrEqualTo(batchThreadsBefore);
      }
      otel.getTracer("test").spanBuilder("encoded").startSpan().end();
      otel.getLogsBridge().get("test").logRecordBuilder().setBody("encoded").emit();
      if (expectPosts) {
        assertThat(sink.awaitPosts(10_000, "/v1/traces", "/v1/logs")).as("posts to both OTLP paths").isTrue();
      }
      return description;
    } finally {
      if (telemetry != null) {
        telemetry.shutdown(5_000);
      }
      properties.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  void otlpOverHttpProtobufGetsTheEncodedProcessorsAndDelivers() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink()) {
      String description = processorsWith(Map.of(), sink, true);
      assertThat(description).contains("EncodedSpanProcessor{exporter=", "EncodedLogRecordProcessor{exporter=")
          .doesNotContain("BatchSpanProcessor{", "BatchLogRecordProcessor{");
    }
  }

  @Test
  void theSettingSwitchesItOff() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink()) {
      String description = processorsWith(Map.of(EncodedExport.KEY, "false"), sink, true);
      assertThat(description).contains("BatchSpanProcessor{", "BatchLogRecordProcessor{")
          .doesNotContain("Encoded");
    }
  }

  @Test
  void twoExportersForOneSignalKeepTheSdkProcessorForThatSignalOnly(@TempDir Path dir) throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink()) {
      String description = processorsWith(Map.of("otel.traces.exporter", "otlp,otlp-file",
          "sightline.otlp-file.path", dir.resolve("telemetry.jsonl").toString()), sink, true);
      assertThat(description).contains("BatchSpanProcessor{", "EncodedLogRecordProcessor{")
          .doesNotContain("EncodedSpanProcessor", "BatchLogRecordProcessor{");
    }
  }
}
