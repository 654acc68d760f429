package io.sightline.instrumentation.api;

import io.opentelemetry.api.common.Attributes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The attribute sets one metric instrument records with, each built once per distinct combination
 * of values and then handed out as the same instance.
 *
 * <p>Why: a histogram recorded with a freshly built {@code Attributes} pays for the builder and
 * its sort, then the SDK hashes the new set and compares it with the stored one to find its series
 * (and the exemplar keeps it). Handed the same instance, the SDK's look-up uses the set's cached
 * hash and finds its key by identity, and nothing is allocated.
 *
 * <p>A direct-mapped table of {@value #SIZE} entries: a combination that lands on an occupied slot
 * replaces it and is built again if it returns. Bounded whatever the cardinality (what is recorded
 * is still subject to the SDK's cardinality limit). The values are kept, so they must be the
 * agent's own values (strings, numbers, descriptors), never an application object.
 */
public final class AttributeSets {
  static final int SIZE = 256;

  /** Builds the set for a combination; called again for a combination whose entry was replaced. */
  public interface Factory {
    Attributes create(Object a, Object b, Object c, Object d, long n);
  }

  private final AtomicReferenceArray<Entry> table = new AtomicReferenceArray<>(SIZE);
  private final Factory factory;

  public AttributeSets(Factory factory) {
    this.factory = factory;
  }

  /** The set for these values (compared with {@code equals}; any may be null). */
  public Attributes get(Object a, Object b, Object c, Object d, long n) {
    int hash = hash(a, b, c, d, n);
    int slot = hash & (SIZE - 1);
    Entry entry = table.get(slot);
    if (entry != null && entry.hash == hash && entry.n == n && Objects.equals(entry.a, a)
        && Objects.equals(entry.b, b) && Objects.equals(entry.c, c) && Objects.equals(entry.d, d)) {
      return entry.attributes;
    }
    Attributes attributes = factory.create(a, b, c, d, n);
    table.set(slot, new Entry(hash, a, b, c, d, n, attributes));
    return attributes;
  }

  private static int hash(Object a, Object b, Object c, Object d, long n) {
    int h = Objects.hashCode(a);
    h = 31 * h + Objects.hashCode(b);
    h = 31 * h + Objects.hashCode(c);
    h = 31 * h + Objects.hashCode(d);
    h = 31 * h + Long.hashCode(n);
    return h ^ (h >>> 16);
  }

  private static final class Entry {
    final int hash;
    final Object a;
    final Object b;
    final Object c;
    final Object d;
    final long n;
    final Attributes attributes;

    Entry(int hash, Object a, Object b, Object c, Object d, long n, Attributes attributes) {
      this.hash = hash;
      this.a = a;
      this.b = b;
      this.c = c;
      this.d = d;
      this.n = n;
      this.attributes = attributes;
    }
  }
}
