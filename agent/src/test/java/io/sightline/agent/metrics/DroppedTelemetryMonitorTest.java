package io.sightline.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DroppedTelemetryMonitorTest {
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  @Test
  void warnsWithTheCountsSinceTheLastReportAndStaysQuietWithoutNewDrops() {
    DroppedTelemetryMonitor monitor = new DroppedTelemetryMonitor(3_600_000, () -> 0, () -> 0, 2048);
    try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(monitor).build();
         StderrCapture stderr = new StderrCapture()) {
      LongCounter spans = provider.get("io.opentelemetry.sdk.trace").counterBuilder("otel.sdk.processor.span.processed").build();
      LongCounter logs = provider.get("io.opentelemetry.sdk.logs").counterBuilder("otel.sdk.processor.log.processed").build();
      spans.add(100); // exported fine
      spans.add(7, Attributes.of(ERROR_TYPE, "queue_full"));
      spans.add(2, Attributes.of(ERROR_TYPE, "java.io.IOException"));
      logs.add(3, Attributes.of(ERROR_TYPE, "queue_full"));
      monitor.check();
      monitor.check(); // nothing new
      spans.add(1, Attributes.of(ERROR_TYPE, "queue_full"));
      monitor.check();
      assertThat(stderr.lines()).containsExactly(
          "[sightline] WARN telemetry dropped since the last report: 9 spans, 3 log records (export queue full"
              + " or export failed; is the exporter endpoint reachable? otel.bsp.max.queue.size /"
              + " otel.blrp.max.queue.size bound the queues)",
          "[sightline] WARN telemetry dropped since the last report: 1 spans, 0 log records (export queue full"
              + " or export failed; is the exporter endpoint reachable? otel.bsp.max.queue.size /"
              + " otel.blrp.max.queue.size bound the queues)");
    }
  }

  /** The agent's own export processors report their counts as observable counters, read at collection. */
  @Test
  void readsTheObservableCountersOfTheAgentsOwnProcessors() {
    DroppedTelemetryMonitor monitor = new DroppedTelemetryMonitor(3_600_000, () -> 0, () -> 0, 2048);
    AtomicLong queueFull = new AtomicLong();
    try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(monitor).build();
         StderrCapture stderr = new StderrCapture()) {
      provider.get("io.sightline.export").counterBuilder("otel.sdk.processor.span.processed").buildWithCallback(m -> {
        m.record(500);
        m.record(queueFull.get(), Attributes.of(ERROR_TYPE, "queue_full"));
      });
      monitor.check();
      queueFull.set(1029);
      monitor.check();
      assertThat(stderr.lines()).containsExactly(
          "[sightline] WARN telemetry dropped since the last report: 1029 spans, 0 log records (export queue full"
              + " or export failed; is the exporter endpoint reachable? otel.bsp.max.queue.size /"
              + " otel.blrp.max.queue.size bound the queues)");
    }
  }

  @Test
  void warnsAboutSpansAndRecordsTheOutcomeBuffersLetGoInLinesOfTheirOwn() {
    AtomicLong letGo = new AtomicLong();
    AtomicLong recordsLetGo = new AtomicLong();
    DroppedTelemetryMonitor monitor = new DroppedTelemetryMonitor(3_600_000, letGo::get, recordsLetGo::get, 2048);
    try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(monitor).build();
         StderrCapture stderr = new StderrCapture()) {
      monitor.check(); // nothing yet
      letGo.set(40);
      monitor.check();
      monitor.check(); // nothing new
      letGo.set(45);
      monitor.check();
      recordsLetGo.set(12);
      monitor.check();
      monitor.check(); // nothing new
      assertThat(stderr.lines()).containsExactly(
          "[sightline] WARN 40 spans of unsampled traces were let go since the last report before their trace ended:"
              + " more than sightline.sampling.buffer-size (2048) waited at once. A trace kept afterwards for its"
              + " error or duration is exported without them.",
          "[sightline] WARN 5 spans of unsampled traces were let go since the last report before their trace ended:"
              + " more than sightline.sampling.buffer-size (2048) waited at once. A trace kept afterwards for its"
              + " error or duration is exported without them.",
          "[sightline] WARN 12 log records of unsampled traces were let go since the last report before their trace"
              + " ended: more than sightline.sampling.buffer-size (2048) waited at once. A trace kept afterwards for"
              + " its error or duration is exported without them.");
    }
  }

  @Test
  void keepsOnlyCountersSoItCostsNothingOnHistograms() {
    DroppedTelemetryMonitor monitor = new DroppedTelemetryMonitor(3_600_000, () -> 0, () -> 0, 2048);
    assertThat(monitor.getDefaultAggregation(io.opentelemetry.sdk.metrics.InstrumentType.HISTOGRAM))
        .isEqualTo(io.opentelemetry.sdk.metrics.Aggregation.drop());
    assertThat(monitor.getDefaultAggregation(io.opentelemetry.sdk.metrics.InstrumentType.COUNTER))
        .isEqualTo(io.opentelemetry.sdk.metrics.Aggregation.sum());
    assertThat(monitor.getDefaultAggregation(io.opentelemetry.sdk.metrics.InstrumentType.OBSERVABLE_COUNTER))
        .isEqualTo(io.opentelemetry.sdk.metrics.Aggregation.sum());
  }
}
