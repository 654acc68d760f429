package io.sightline.instrumentation.api;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-object state for objects that usually live briefly and say when they are done (a prepared
 * statement until {@code close()}, a pooled connection until it is returned), with no weak
 * reference per object on that usual path.
 *
 * <p>Entries live in a direct-mapped table of {@link #SIZE} slots, the slot chosen by the key's
 * identity hash. A weak reference per object is cheap to create but not to collect: every young GC
 * discovers, clears and enqueues each one whose referent died since the last, and at 5,000
 * prepared statements a second that doubled G1's young pauses (about 3 to 6.7 ms,
 * docs/benchmarks.md), which is what a p99 latency is made of. A live entry whose slot another key
 * takes moves to a {@link WeakIdentityMap} and is found there for as long as its key lives; a
 * removed one is forgotten. Nothing here calls the key: the thread that moves an entry out is busy
 * with an object of its own.
 *
 * <p>Why a table and not a list of the latest entries: put, look-up and remove each read one slot.
 * Request threads on different cores share the map (one per JDBC instrumentation, one per pool
 * instrumentation); scanning a list read dozens of entries the other core had just written, each a
 * cache miss: two threads spent 670 ns per put, look-up and remove where one spent 90 ns
 * ({@code RecentIdentityMapBenchmark}).
 *
 * <p>Keys are compared by identity. A removed entry leaves its slot; entries never removed stay
 * until another key takes the slot, so the table keeps at most {@link #SIZE} keys and values
 * reachable: a bounded retention, never a leak.
 */
public final class RecentIdentityMap<K, V> {
  public static final int SIZE = 256;

  private final AtomicReferenceArray<Entry<K, V>> table = new AtomicReferenceArray<>(SIZE);
  private final WeakIdentityMap<K, Entry<K, V>> older = new WeakIdentityMap<>();

  public void put(K key, V value) {
    Entry<K, V> entry = new Entry<>(key, value);
    int slot = slot(key);
    while (true) {
      Entry<K, V> old = table.get(slot);
      // Moved before it leaves the table, so that a concurrent look-up always finds it somewhere.
      // The same key put again (a driver's statement cache) is replaced: the newest value wins.
      if (old != null && old.key != key && old.removed == 0) {
        older.put(old.key, old); // the entry itself: a remove through either place is seen in both
        if (old.removed != 0) {
          older.remove(old.key); // removed meanwhile, perhaps after remove() had looked in the map
        }
      }
      if (table.compareAndSet(slot, old, entry)) {
        return;
      }
      // Another thread put or removed in this slot meanwhile: look again.
    }
  }

  /** The value put last for the key and not removed since; null if there is none. */
  public V get(K key) {
    Entry<K, V> entry = table.get(slot(key));
    if (entry != null && entry.key == key && entry.removed == 0) {
      return entry.value;
    }
    Entry<K, V> moved = older.get(key);
    return moved != null && moved.removed == 0 ? moved.value : null;
  }

  /**
   * Forgets the key; returns its newest value, or null if there was none. Of concurrent removes of
   * one entry, only one gets its value. The weak map is cleared of the key too: an older value of
   * it may have moved there (the same statement reported by a pool's proxy and by the driver, and
   * its slot taken in between), or be moving there now.
   */
  public V remove(K key) {
    int slot = slot(key);
    Entry<K, V> entry = table.get(slot);
    if (entry != null && entry.key == key && REMOVED.compareAndSet(entry, 0, 1)) {
      table.compareAndSet(slot, entry, null); // nothing kept reachable once removed
      older.remove(key); // an older entry of the key may have been moved there
      return entry.value;
    }
    // Moved out of the table, or being moved now: the entry found there may be one removed
    // meanwhile (a concurrent move puts it there before it sees the mark), so the mark decides.
    Entry<K, V> moved = older.remove(key);
    return moved != null && REMOVED.compareAndSet(moved, 0, 1) ? moved.value : null;
  }

  /** Entries held by the weak map, for tests. */
  public int olderSize() {
    return older.size();
  }

  /** The slot of a key: package-private so that tests can make keys meet in one slot. */
  static int slot(Object key) {
    int h = System.identityHashCode(key);
    return (h ^ (h >>> 16)) & (SIZE - 1);
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
