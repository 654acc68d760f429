package io.sightline.agent.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Per-thread cells of one histogram series: a recording thread gets the cell its thread id picks,
 * created by the first thread that needs it, so a series recorded from one thread has one cell.
 * Twice the processors, a power of two, from 2 to 16.
 */
final class Stripes<T> {
  static final int COUNT = count(Runtime.getRuntime().availableProcessors());

  private final AtomicReferenceArray<T> cells = new AtomicReferenceArray<>(COUNT);
  private final Supplier<T> create;

  Stripes(Supplier<T> create) {
    this.create = create;
  }

  static int count(int processors) {
    int wanted = Math.max(2, Math.min(16, 2 * processors));
    return Integer.highestOneBit(wanted - 1) << 1;
  }

  /** The current thread's cell. */
  T current() {
    long id = Thread.currentThread().getId();
    // Thread ids are consecutive; the mix spreads pool threads created apart over the cells too.
    int index = (int) (id ^ (id >>> 16)) & (COUNT - 1);
    T cell = cells.get(index);
    if (cell == null) {
      T created = create.get();
      cell = cells.compareAndSet(index, null, created) ? created : cells.get(index);
    }
    return cell;
  }

  /** Cell {@code index}, or null if no thread has needed it yet. */
  T get(int index) {
    return cells.get(index);
  }
}
