package io.sightline.agent.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.sightline.bootstrap.AgentLog;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Reports telemetry the SDK dropped (export queue full, failed exports): one warning at most per
 * interval (default one minute) with the counts since the last one. It reads the SDK's own
 * self-monitoring counters through a reader of its own that keeps only counters, so it works
 * whatever {@code otel.metrics.exporter} says and costs one small collection per interval.
 *
 * <p>It also warns, in a line of its own, about spans of unsampled traces that the outcome buffer
 * let go before their trace ended (OutcomeSampling): those are not lost exports, but a trace kept
 * for its error afterwards is exported without them. The same goes for the log records such traces
 * held back ({@code sightline.logs.sample-ratio} below 1).
 */
public final class DroppedTelemetryMonitor implements MetricReader {
  public static final String INTERVAL_KEY = "sightline.telemetry.drop-warning-interval";
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<Boolean> LEGACY_DROPPED = AttributeKey.booleanKey("dropped");

  private final long intervalMillis;
  private final LongSupplier outcomeSpansLetGo;
  private final LongSupplier outcomeRecordsLetGo;
  private final int outcomeBufferSize;
  private volatile CollectionRegistration registration = CollectionRegistration.noop();
  private ScheduledExecutorService scheduler;
  private long reportedSpans;
  private long reportedLogs;
  private long reportedLetGo;
  private long reportedRecordsLetGo;

  /**
   * @param outcomeSpansLetGo spans the outcome buffers let go so far
   * @param outcomeRecordsLetGo log records the outcome log buffers let go so far
   * @param outcomeBufferSize their bound, for the warning
   */
  public DroppedTelemetryMonitor(long intervalMillis, LongSupplier outcomeSpansLetGo,
      LongSupplier outcomeRecordsLetGo, int outcomeBufferSize) {
    this.intervalMillis = intervalMillis;
    this.outcomeSpansLetGo = outcomeSpansLetGo;
    this.outcomeRecordsLetGo = outcomeRecordsLetGo;
    this.outcomeBufferSize = outcomeBufferSize;
  }

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "sightline-drop-monitor");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Compares the cumulative drop counts with those last reported; warns about the difference. */
  synchronized void check() {
    try {
      long spans = 0;
      long logs = 0;
      for (MetricData metric : registration.collectAllMetrics()) {
        String name = metric.getName();
        // The processor counts both kinds of loss (queue full, failed export); the exporter's own
        // counter would count failed exports twice.
        if ("otel.sdk.processor.span.processed".equals(name) || "processedSpans".equals(name)) {
          spans += dropped(metric);
        } else if ("otel.sdk.processor.log.processed".equals(name) || "processedLogs".equals(name)) {
          logs += dropped(metric);
        }
      }
      long newSpans = spans - reportedSpans;
      long newLogs = logs - reportedLogs;
      reportedSpans = spans;
      reportedLogs = logs;
      if (newSpans > 0 || newLogs > 0) {
        AgentLog.warn("telemetry dropped since the last report: " + newSpans + " spans, " + newLogs
            + " log records (export queue full or export failed; is the exporter endpoint reachable?"
            + " otel.bsp.max.queue.size / otel.blrp.max.queue.size bound the queues)");
      }
      long letGo = outcomeSpansLetGo.getAsLong();
      long newLetGo = letGo - reportedLetGo;
      reportedLetGo = letGo;
      long recordsLetGo = outcomeRecordsLetGo.getAsLong();
      long newRecordsLetGo = recordsLetGo - reportedRecordsLetGo;
      reportedRecordsLetGo = recordsLetGo;
      if (newLetGo > 0) {
        warnLetGo(newLetGo + " spans");
      }
      if (newRecordsLetGo > 0) {
        warnLetGo(newRecordsLetGo + " log records");
      }
    } catch (RuntimeException e) {
      AgentLog.debug("drop monitor: " + e);
    }
  }

  private void warnLetGo(String what) {
    AgentLog.warn(what + " of unsampled traces were let go since the last report before their trace"
        + " ended: more than sightline.sampling.buffer-size (" + outcomeBufferSize + ") waited at once. A trace"
        + " kept afterwards for its error or duration is exported without them.");
  }

  private static long dropped(MetricData metric) {
    if (metric.getType() != MetricDataType.LONG_SUM) {
      return 0;
    }
    long sum = 0;
    for (LongPointData point : metric.getLongSumData().getPoints()) {
      Attributes attributes = point.getAttributes();
      if (attributes.get(ERROR_TYPE) != null || Boolean.TRUE.equals(attributes.get(LEGACY_DROPPED))) {
        sum += point.getValue();
      }
    }
    return sum;
  }

  /** Counters only: everything else is dropped at the source, so this reader costs nearly nothing. */
  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    // The SDK's processors count with counters; the agent's own (EncodedBatcher) with observable
    // counters, read at collection: both kinds, and nothing else.
    return instrumentType == InstrumentType.COUNTER || instrumentType == InstrumentType.OBSERVABLE_COUNTER
        ? Aggregation.sum() : Aggregation.drop();
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    check(); // drops during the final flush are reported too
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "DroppedTelemetryMonitor{interval=" + intervalMillis + "ms}";
  }
}
