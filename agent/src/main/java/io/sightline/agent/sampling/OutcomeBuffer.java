package io.sightline.agent.sampling;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.sightline.agent.records.FlatSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In front of an export processor: sampled spans pass straight through; spans recorded but not
 * sampled ({@link OutcomeAwareSampler}) wait, by trace, for their local root. When the root ends in
 * error, or ran at least the slow threshold, the root and what waited with it go to the export
 * processor as sampled ({@link KeptSpan}); otherwise they are dropped. A span of the trace that
 * ends after its root follows the root's decision, remembered for the last traces decided (a
 * per stripe, {@link RecentDecisions}). Each decision is also handed to a listener: the log buffers
 * hold the records of such traces until then ({@link OutcomeLogBuffer}).
 *
 * <p>Memory is bounded: at most {@code maxSpans} spans wait in all; past that waiting traces are let
 * go to make room (a root that never ends cannot hold spans for ever), and counted.
 */
final class OutcomeBuffer implements SpanProcessor {
  private static final int STRIPES = 16;

  private final SpanProcessor delegate;
  private final boolean keepErrors;
  private final long slowerThanNanos;
  @SuppressWarnings("unchecked")
  private final WaitingTraces<ReadableSpan>[] stripes = new WaitingTraces[STRIPES];
  private final AtomicLong kept = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private final Listener listener;

  /** Told of every local root's decision. */
  interface Listener {
    void decided(String traceId, boolean keep);
  }

  /**
   * @param slowerThanNanos a local trace whose root took at least this long is kept; 0 for none
   * @param maxSpans spans waiting for their root, in all
   */
  OutcomeBuffer(SpanProcessor delegate, boolean keepErrors, long slowerThanNanos, int maxSpans, Listener listener) {
    this.delegate = delegate;
    this.listener = listener;
    this.keepErrors = keepErrors;
    this.slowerThanNanos = slowerThanNanos;
    int perStripe = Math.max(1, maxSpans / STRIPES);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new WaitingTraces<>(perStripe, evicted);
    }
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    delegate.onStart(parentContext, span);
  }

  @Override
  public boolean isStartRequired() {
    return delegate.isStartRequired();
  }

  @Override
  public void onEnd(ReadableSpan span) {
    SpanContext context = span.getSpanContext();
    if (context.isSampled()) {
      delegate.onEnd(span);
      return;
    }
    String traceId = context.getTraceId();
    SpanContext parent = span.getParentSpanContext();
    boolean localRoot = !parent.isValid() || parent.isRemote();
    List<ReadableSpan> export;
    // Bits of the trace id's hash above those that pick a decision slot within the stripe.
    WaitingTraces<ReadableSpan> stripe = stripes[(traceId.hashCode() >>> 8) & (STRIPES - 1)];
    if (localRoot) {
      boolean keep = keeps(span);
      export = stripe.decide(traceId, keep);
      if (keep) {
        if (export == null) {
          export = List.of(span);
        } else {
          export.add(span);
        }
      }
      listener.decided(traceId, keep);
    } else {
      export = stripe.addUnlessDecided(traceId, span) == RecentDecisions.KEPT ? List.of(span) : null;
    }
    if (export != null) {
      kept.addAndGet(export.size());
      for (ReadableSpan ended : export) {
        delegate.onEnd(new KeptSpan(ended));
      }
    }
  }

  /**
   * Whether the trace was recently decided and kept for its outcome (its local root ended in
   * error or ran slow): false for a trace not decided yet, dropped, or decided too long ago.
   */
  boolean keptForOutcome(String traceId) {
    return stripes[(traceId.hashCode() >>> 8) & (STRIPES - 1)].kept(traceId);
  }

  private boolean keeps(ReadableSpan root) {
    if (slowerThanNanos > 0 && root.getLatencyNanos() >= slowerThanNanos) {
      return true;
    }
    if (!keepErrors) {
      return false;
    }
    StatusData status = root instanceof FlatSpan ? ((FlatSpan) root).status() : root.toSpanData().getStatus();
    return status.getStatusCode() == StatusCode.ERROR;
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** Spans exported as sampled because of their trace's outcome, so far. */
  long keptCount() {
    return kept.get();
  }

  /** Spans dropped because too many were waiting for their roots, so far. */
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
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "OutcomeBuffer{keepErrors=" + keepErrors + ", slowerThanNanos=" + slowerThanNanos + ", " + delegate + "}";
  }
}
