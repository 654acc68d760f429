package io.sightline.instrumentation.executors;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-object state without added fields: keys are compared by identity and held weakly, so a
 * task that is dropped without ever running takes its entry with it. Cleared keys are expunged on
 * every {@link #put}, which bounds the map by the number of live keys.
 */
final class WeakIdentityMap<V> {
  private final ConcurrentHashMap<Key, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();

  void put(Object key, V value) {
    expunge();
    map.put(new Key(key, cleared), value);
  }

  V get(Object key) {
    if (map.isEmpty()) {
      return null;
    }
    return map.get(new Key(key, null));
  }

  V remove(Object key) {
    if (map.isEmpty()) {
      return null;
    }
    return map.remove(new Key(key, null));
  }

  int size() {
    expunge();
    return map.size();
  }

  private void expunge() {
    for (Object ref; (ref = cleared.poll()) != null; ) {
      map.remove(ref);
    }
  }

  private static final class Key extends WeakReference<Object> {
    private final int hash;

    Key(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      if (!(other instanceof Key)) {
        return false;
      }
      Object referent = get();
      return referent != null && referent == ((Key) other).get();
    }
  }
}
