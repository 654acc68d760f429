package io.sightline.instrumentation.api;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-object state for objects the agent does not own (statements, connections, tasks), without
 * added fields: keys are held weakly and compared by identity, so an entry never keeps an
 * application object alive and never calls its {@code equals}. Entries of collected keys are
 * purged on writes, which bounds the map by the number of live keys. Look-ups allocate nothing
 * when the map is empty and never a reference object.
 */
public final class WeakIdentityMap<K, V> {
  private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

  public V get(K key) {
    if (map.isEmpty()) {
      return null;
    }
    return map.get(new Lookup(key));
  }

  public void put(K key, V value) {
    purge();
    map.put(new WeakKey(key, queue), value);
  }

  public V remove(K key) {
    if (map.isEmpty()) {
      // Nothing to remove and nothing to purge (a queued reference of an entry already removed
      // is dropped by the next write). This is the usual path of a RecentIdentityMap's removes:
      // the map is not touched beyond its size.
      return null;
    }
    purge();
    return map.remove(new Lookup(key));
  }

  public int size() {
    purge();
    return map.size();
  }

  private void purge() {
    for (Reference<?> ref; (ref = queue.poll()) != null; ) {
      map.remove(ref);
    }
  }

  private interface Key {
    Object referent();
  }

  private static final class Lookup implements Key {
    private final Object key;

    Lookup(Object key) {
      this.key = key;
    }

    @Override
    public Object referent() {
      return key;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(key);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key && ((Key) other).referent() == key;
    }
  }

  private static final class WeakKey extends WeakReference<Object> implements Key {
    private final int hash;

    WeakKey(Object key, ReferenceQueue<Object> queue) {
      super(key, queue);
      this.hash = System.identityHashCode(key);
    }

    @Override
    public Object referent() {
      return get();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (other == this) {
        return true;
      }
      Object referent = get();
      return referent != null && other instanceof Key && ((Key) other).referent() == referent;
    }
  }
}
