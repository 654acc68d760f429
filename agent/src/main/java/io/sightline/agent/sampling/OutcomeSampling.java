package io.sightline.agent.sampling;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.sightline.instrumentation.api.Settings;
import io.sightline.instrumentation.logs.LogSampleRatio;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Outcome-aware keeping (PRODUCT.md, "Sampling"): with a ratio sampler ({@code traceidratio},
 * {@code parentbased_traceidratio}), a local trace the sampler drops is still exported when its
 * local root ends in error ({@value #KEEP_ERRORS}, default true) or took at least
 * {@value #KEEP_SLOWER_THAN} (a duration, default off). The sampler records such traces without
 * sampling them ({@link OutcomeAwareSampler}); in front of each export processor, their spans wait
 * for the root's outcome ({@link OutcomeBuffer}), at most {@value #BUFFER_SIZE} spans. Other
 * samplers are left as they are: {@code always_off} means no traces, and the default
 * ({@code parentbased_always_on}) drops only what an upstream service chose not to sample.
 *
 * <p>With {@code sightline.logs.sample-ratio} below 1, the below-WARN log records that the ratio
 * leaves out of such traces wait for the same outcome ({@link OutcomeLogBuffer}): a kept trace
 * comes with all its lines.
 *
 * <p>What the buffers did is counted: spans exported for their trace's outcome, and spans let go
 * because the buffer was full ({@link #registerMetrics}; the drop monitor warns about the latter).
 */
public final class OutcomeSampling implements OutcomeBuffer.Listener {
  public static final String KEEP_ERRORS = "sightline.sampling.keep-errors";
  public static final String KEEP_SLOWER_THAN = "sightline.sampling.keep-slower-than";
  public static final String BUFFER_SIZE = "sightline.sampling.buffer-size";
  static final int DEFAULT_BUFFER_SIZE = 2048;

  private final boolean keepErrors;
  private final long slowerThanNanos;
  private final int bufferSize;
  /** One per export processor; each sees every span. */
  private final List<OutcomeBuffer> buffers = new CopyOnWriteArrayList<>();
  /** One per log export processor, where the log ratio is below 1. */
  private final List<OutcomeLogBuffer> logBuffers = new CopyOnWriteArrayList<>();

  OutcomeSampling(boolean keepErrors, long slowerThanNanos, int bufferSize) {
    this.keepErrors = keepErrors;
    this.slowerThanNanos = slowerThanNanos;
    this.bufferSize = bufferSize;
  }

  /** The settings; a malformed value warns once and its default is used. */
  public static OutcomeSampling fromSettings() {
    boolean keepErrors = Settings.getBoolean(KEEP_ERRORS, true);
    long slowerThanMillis = Settings.getDurationMillis(KEEP_SLOWER_THAN, 0);
    long size = Settings.getLong(BUFFER_SIZE, DEFAULT_BUFFER_SIZE);
    if (size < 1 || size > 1_000_000) {
      Settings.warnInvalid(BUFFER_SIZE, String.valueOf(size), String.valueOf(DEFAULT_BUFFER_SIZE));
      size = DEFAULT_BUFFER_SIZE;
    }
    return new OutcomeSampling(keepErrors, TimeUnit.MILLISECONDS.toNanos(slowerThanMillis), (int) size);
  }

  /** Whether any outcome keeps a trace the sampler dropped. */
  public boolean enabled() {
    return keepErrors || slowerThanNanos > 0;
  }

  /** Whether traces that {@code otel.traces.sampler} names drops are kept for their outcome. */
  public boolean appliesTo(String samplerName) {
    return enabled() && ("traceidratio".equals(samplerName) || "parentbased_traceidratio".equals(samplerName));
  }

  /** The configured sampler, recording what it drops when an outcome may keep it. */
  public Sampler sampler(Sampler configured, String samplerName) {
    return appliesTo(samplerName) ? new OutcomeAwareSampler(configured) : configured;
  }

  /** The export processor, behind the buffer that holds recorded spans until their outcome. */
  public SpanProcessor processor(SpanProcessor export, String samplerName) {
    if (!appliesTo(samplerName)) {
      return export;
    }
    OutcomeBuffer buffer = new OutcomeBuffer(export, keepErrors, slowerThanNanos, bufferSize, this);
    buffers.add(buffer);
    return buffer;
  }

  /**
   * The log export processor, behind the one that applies {@code sightline.logs.sample-ratio}
   * where it is below 1: records the ratio leaves out wait for their trace's outcome where the
   * keeping applies (at most {@value #BUFFER_SIZE} of them), and are dropped otherwise.
   */
  public LogRecordProcessor logProcessor(LogRecordProcessor export, String samplerName, LogSampleRatio ratio) {
    if (!ratio.sampling()) {
      return export;
    }
    OutcomeLogBuffer buffer = new OutcomeLogBuffer(export, ratio, appliesTo(samplerName), bufferSize);
    logBuffers.add(buffer);
    return buffer;
  }

  @Override
  public void decided(String traceId, boolean keep) {
    for (OutcomeLogBuffer logs : logBuffers) {
      logs.decided(traceId, keep);
    }
  }

  /**
   * Spans of dropped traces let go so far because {@value #BUFFER_SIZE} spans were already waiting:
   * a trace kept for its outcome after that is exported without them. Every export processor's
   * buffer sees the same spans, so this is the largest count, not their sum.
   */
  public long spansLetGo() {
    return largest(buffers, OutcomeBuffer::evictedCount);
  }

  /** Spans exported so far only because of their trace's outcome (the largest count, as above). */
  public long spansKept() {
    return largest(buffers, OutcomeBuffer::keptCount);
  }

  /** Log records of such traces let go before their trace was decided (the largest count, as above). */
  public long recordsLetGo() {
    return largest(logBuffers, OutcomeLogBuffer::evictedCount);
  }

  private static <T> long largest(List<T> of, ToLongFunction<T> count) {
    long largest = 0;
    for (T buffer : of) {
      largest = Math.max(largest, count.applyAsLong(buffer));
    }
    return largest;
  }

  /**
   * Whether a trace the sampler dropped was kept for its outcome, as far as the last decisions
   * remember (the last 1,024 local roots). Every buffer decides alike, so the first one answers.
   */
  boolean keptForOutcome(String traceId) {
    return !buffers.isEmpty() && buffers.get(0).keptForOutcome(traceId);
  }

  /**
   * The exemplar filter to use instead of {@code trace_based} where the keeping applies: it also
   * takes measurements of traces already kept for their outcome, so that an error's or a slow
   * request's exemplar leads to its trace ({@link OutcomeExemplarFilter}).
   */
  public ExemplarFilter exemplarFilter() {
    return new OutcomeExemplarFilter(this);
  }

  /**
   * {@code sightline.sampling.outcome.kept} and {@code sightline.sampling.outcome.evicted}, in
   * spans, when a buffer was built: read at each collection, nothing is recorded per span.
   */
  public void registerMetrics(Meter meter) {
    if (buffers.isEmpty()) {
      return;
    }
    meter.counterBuilder("sightline.sampling.outcome.kept").setUnit("{span}")
        .setDescription("Spans of traces the sampler dropped, exported because the trace ended in error or ran slow")
        .buildWithCallback(measurement -> measurement.record(spansKept()));
    meter.counterBuilder("sightline.sampling.outcome.evicted").setUnit("{span}")
        .setDescription("Spans of traces the sampler dropped, let go before the trace ended because the outcome"
            + " buffer (sightline.sampling.buffer-size) was full")
        .buildWithCallback(measurement -> measurement.record(spansLetGo()));
  }

  /** The most spans that wait, in all, per export processor. */
  public int bufferSize() {
    return bufferSize;
  }

  /** For the startup summary: {@code errors}, {@code slower than 500 ms}, both, or {@code off}. */
  public String describe() {
    if (!enabled()) {
      return "off";
    }
    String slow = slowerThanNanos > 0 ? "slower than " + TimeUnit.NANOSECONDS.toMillis(slowerThanNanos) + " ms" : null;
    return keepErrors ? (slow == null ? "errors" : "errors, " + slow) : slow;
  }
}
