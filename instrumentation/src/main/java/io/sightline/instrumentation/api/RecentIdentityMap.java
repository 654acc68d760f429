package io.sightline.instrumentation.api;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-object state for objects that usually live briefly and say when they are done (a prepared
 * statement until {@code close()}, a pooled connection until it is returned), with no weak
 * reference per object on that usual path.
 *
 * <p>The entries put last, by any thread, are held in a ring of {@link #SIZE}. A weak reference per
 * object is cheap to create but not to collect: every young GC discovers, clears and enqueues each
 * one whose referent died since the last, and at 5,000 prepared statements a second that doubled
 * G1's young pauses (about 3 to 6.7 ms, docs/benchmarks.md), which is what a p99 latency is made
 * of. An entry that the ring pushes out before {@link #remove} moves to a {@link WeakIdentityMap}
 * and is found there for as long as its key lives; a removed one is forgotten. Nothing here calls
 * the key: the thread that pushes an entry out is busy with an object of its own.
 *
 * <p>Keys are compared by identity. The ring keeps up to {@link #SIZE} keys and values reachable,
 * removed ones included, until newer entries push them out: a bounded retention, never a leak.
 */
public final class RecentIdentityMap<K, V> {
  public static final int SIZE = 64;

  private final AtomicReferenceArray<Entry<K, V>> ring = new AtomicReferenceArray<>(SIZE);
  private final AtomicInteger next = new AtomicInteger();
  private final WeakIdentityMap<K, V> older = new WeakIdentityMap<>();

  public void put(K key, V value) {
    Entry<K, V> entry = new Entry<>(key, value);
    while (true) {
      int slot = next.getAndIncrement() & (SIZE - 1);
      Entry<K, V> old = ring.get(slot);
      // Moved before it leaves the ring, so that a concurrent look-up always finds it somewhere.
      if (old != null && old.key != key && old.removed == 0) {
        older.put(old.key, old.value);
        if (old.removed != 0) {
          older.remove(old.key); // removed meanwhile, perhaps after remove() had looked in the map
        }
      }
      if (ring.compareAndSet(slot, old, entry)) {
        return;
      }
      // Another thread went round the whole ring meanwhile: take the next slot.
    }
  }

  /** The value put last for the key and not removed since; null if there is none. */
  public V get(K key) {
    Entry<K, V> entry = find(key);
    return entry != null ? entry.value : older.get(key);
  }

  /**
   * Forgets the key; returns its newest value, or null if there was none. Of concurrent removes of
   * one entry, only one gets its value. Every entry of the key goes: it may have been put more than
   * once (a pool's proxy class and its generated subclass both declare {@code prepareStatement},
   * so both calls report the same statement), and an older entry left unremoved would move to the
   * weak map when pushed out.
   */
  public V remove(K key) {
    V removed = null;
    boolean found = false;
    int newest = next.get() - 1;
    for (int i = 0; i < SIZE; i++) {
      Entry<K, V> entry = ring.get((newest - i) & (SIZE - 1));
      if (entry != null && entry.key == key && REMOVED.compareAndSet(entry, 0, 1) && !found) {
        found = true;
        removed = entry.value;
      }
    }
    V moved = older.remove(key); // also when found: it may have been moved there meanwhile
    return found ? removed : moved;
  }

  /** Entries held by the weak map, for tests. */
  public int olderSize() {
    return older.size();
  }

  private Entry<K, V> find(K key) {
    int newest = next.get() - 1;
    for (int i = 0; i < SIZE; i++) {
      Entry<K, V> entry = ring.get((newest - i) & (SIZE - 1));
      if (entry != null && entry.key == key && entry.removed == 0) {
        return entry;
      }
    }
    return null;
  }

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<Entry> REMOVED =
      AtomicIntegerFieldUpdater.newUpdater(Entry.class, "removed");

  private static final class Entry<K, V> {
    final K key;
    final V value;
    volatile int removed;

    Entry(K key, V value) {
      this.key = key;
      this.value = value;
    }
  }
}
