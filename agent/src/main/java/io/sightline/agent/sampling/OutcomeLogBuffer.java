package io.sightline.agent.sampling;

import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.sightline.instrumentation.logs.LogSampleRatio;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
  private final Stripe[] stripes = new Stripe[STRIPES];
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
      stripes[i] = new Stripe(perStripe);
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
    if (stripe(traceId).addOrDecided(traceId, context, record)) {
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

  private Stripe stripe(String traceId) {
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

  /** A sixteenth of the traces (by trace id), under their own lock. */
  private final class Stripe {
    private final int maxRecords;
    private final Map<String, List<Waiting>> waiting = new HashMap<>();
    private final RecentDecisions decisions = new RecentDecisions();
    private int records;

    Stripe(int maxRecords) {
      this.maxRecords = maxRecords;
    }

    /** Holds the record until its trace is decided; true if it was kept already (export it now). */
    synchronized boolean addOrDecided(String traceId, Context context, ReadWriteLogRecord record) {
      int decision = decisions.lookup(traceId);
      if (decision != RecentDecisions.UNKNOWN) {
        return decision == RecentDecisions.KEPT;
      }
      if (records >= maxRecords) {
        evictOne();
      }
      waiting.computeIfAbsent(traceId, id -> new ArrayList<>(4)).add(new Waiting(context, record));
      records++;
      return false;
    }

    private void evictOne() {
      Iterator<List<Waiting>> it = waiting.values().iterator();
      if (it.hasNext()) {
        List<Waiting> trace = it.next();
        it.remove();
        records -= trace.size();
        evicted.addAndGet(trace.size());
      }
    }

    /** What waited for this trace, if it was kept; null otherwise. */
    synchronized List<Waiting> decide(String traceId, boolean keep) {
      List<Waiting> trace = records == 0 ? null : waiting.remove(traceId);
      if (trace != null) {
        records -= trace.size();
      }
      decisions.record(traceId, keep);
      return keep ? trace : null;
    }
  }
}
