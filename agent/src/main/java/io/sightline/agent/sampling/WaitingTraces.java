package io.sightline.agent.sampling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stripe of a buffer that holds what traces the sampler dropped produce (spans, log records)
 * until their local root is decided, with the last decisions ({@link RecentDecisions}) for what
 * comes later. Bounded: past {@code maxItems}, a waiting trace is let go (any: the bound is what
 * matters) and its items are counted in {@code evicted}. Each method holds the stripe's lock.
 */
final class WaitingTraces<T> {
  private final int maxItems;
  private final AtomicLong evicted;
  private final Map<String, List<T>> waiting = new HashMap<>();
  private final RecentDecisions decisions = new RecentDecisions();
  private int items;

  WaitingTraces(int maxItems, AtomicLong evicted) {
    this.maxItems = maxItems;
    this.evicted = evicted;
  }

  /**
   * The trace's decision if it is known ({@link RecentDecisions#KEPT} or {@code DROPPED}), and then
   * the item is not held; else {@link RecentDecisions#UNKNOWN}, and the item waits.
   */
  synchronized int addUnlessDecided(String traceId, T item) {
    int decision = decisions.lookup(traceId);
    if (decision != RecentDecisions.UNKNOWN) {
      return decision;
    }
    if (items >= maxItems) {
      // Room first: the trace let go may be this one, which then starts again with this item.
      evictOne();
    }
    waiting.computeIfAbsent(traceId, id -> new ArrayList<>(4)).add(item);
    items++;
    return RecentDecisions.UNKNOWN;
  }

  synchronized boolean kept(String traceId) {
    return decisions.lookup(traceId) == RecentDecisions.KEPT;
  }

  /** The trace is decided: what waited for it when it is kept (null if nothing did), null if not. */
  synchronized List<T> decide(String traceId, boolean keep) {
    List<T> trace = items == 0 ? null : waiting.remove(traceId);
    if (trace != null) {
      items -= trace.size();
    }
    decisions.record(traceId, keep);
    return keep ? trace : null;
  }

  private void evictOne() {
    Iterator<List<T>> it = waiting.values().iterator();
    if (it.hasNext()) {
      List<T> trace = it.next();
      it.remove();
      items -= trace.size();
      evicted.addAndGet(trace.size());
    }
  }
}
