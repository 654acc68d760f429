package io.sightline.agent.sampling;

import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.sightline.instrumentation.logs.LogSampleRatio;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In front of a log export processor when {@code sightline.logs.sample-ratio} is below 1: applies
 * the ratio to the below-WARN records of unsampled traces, and, where outcome-aware keeping applies,
 * holds those the ratio leaves out until their trace's local root ends ({@link #decided}). A trace
 * kept for its error or duration is then exported with every line its request logged; a trace that
 * ended well loses them, as the ratio says. Records logged after the decision follow it, as far as
 * the last decisions remember ({@link RecentDecisions}).
 *
 * <p>The log instrumentations drop such records before building them when their span is not
 * recording; a recording span that is not sampled is one whose trace waits for its outcome.
 *
 * <p>Memory is bounded: at most {@code maxRecords} records wait in all; past that waiting traces'
 * records are let go, and counted.
 */
final class OutcomeLogBuffer implements LogRecordProcessor {
  private static final int STRIPES = 16;

  private final LogRecordProcessor delegate;
  private final LogSampleRatio ratio;
  private final boolean waitForOutcome;
  @SuppressWarnings("unchecked")
  private final WaitingTraces<Waiting>[] stripes = new WaitingTraces[STRIPES];
  private final AtomicLong evicted = new AtomicLong();

  /**
   * @param waitForOutcome whether records the ratio leaves out wait for their trace's outcome (the
   *     keeping applies); if not, they are dropped at once
   * @param maxRecords records waiting for their roots, in all
   */
  OutcomeLogBuffer(LogRecordProcessor delegate, LogSampleRatio ratio, boolean waitForOutcome, int maxRecords) {
    this.delegate = delegate;
    this.ratio = ratio;
    this.waitForOutcome = waitForOutcome;
    int perStripe = Math.max(1, maxRecords / STRIPES);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new WaitingTraces<>(perStripe, evicted);
    }
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord record) {
    SpanContext span = record.getSpanContext();
    Severity severity = record.getSeverity();
    if (ratio.keeps(severity == null ? 0 : severity.getSeverityNumber(), span)) {
      delegate.onEmit(context, record);
      return;
    }
    if (!waitForOutcome) {
      return;
    }
    String traceId = span.getTraceId();
    if (stripe(traceId).addUnlessDecided(traceId, new Waiting(context, record)) == RecentDecisions.KEPT) {
      delegate.onEmit(context, record);
    }
  }

  /** The trace's local root ended: its waiting records are exported if it was kept, else dropped. */
  void decided(String traceId, boolean keep) {
    List<Waiting> records = stripe(traceId).decide(traceId, keep);
    if (records != null) {
      for (Waiting waiting : records) {
        delegate.onEmit(waiting.context, waiting.record);
      }
    }
  }

  private WaitingTraces<Waiting> stripe(String traceId) {
    // As OutcomeBuffer: bits of the hash above those that pick a decision slot.
    return stripes[(traceId.hashCode() >>> 8) & (STRIPES - 1)];
  }

  /** Records dropped because too many were waiting for their roots, so far. */
  long evictedCount() {
    return evicted.get();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public String toString() {
    return "OutcomeLogBuffer{waitForOutcome=" + waitForOutcome + ", " + delegate + "}";
  }

  private static final class Waiting {
    final Context context;
    final ReadWriteLogRecord record;

    Waiting(Context context, ReadWriteLogRecord record) {
      this.context = context;
      this.record = record;
    }
  }
}
