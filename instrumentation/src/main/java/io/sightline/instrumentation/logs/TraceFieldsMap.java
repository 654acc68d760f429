package io.sightline.instrumentation.logs;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A log event's context map with the trace fields added, without copying it: reads see the event's
 * own entries (keys and values as text) and the fields, which win over an entry of the same key.
 * Read-only, like the snapshot it wraps, whose own entries it hands out when they are text already.
 * An event's map is usually only asked for a key or two (a pattern's {@code %X{trace_id}}), so the
 * copy it replaces, a {@code HashMap} per event, was most of the cost (about a third of the agent's
 * own time on the log path of the request thread, in the benchmark application's profile).
 */
final class TraceFieldsMap extends AbstractMap<String, String> {
  private final Map<?, ?> base;
  private final String[] fields; // key, value, key, value...
  private Set<Entry<String, String>> entries;

  TraceFieldsMap(Map<?, ?> base, String[] fields) {
    this.base = base;
    this.fields = fields;
  }

  private int fieldIndex(Object key) {
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String get(Object key) {
    int i = fieldIndex(key);
    if (i >= 0) {
      return fields[i + 1];
    }
    if (base == null || !(key instanceof String)) {
      return null;
    }
    Object value = base.get(key);
    return value == null ? null : String.valueOf(value);
  }

  @Override
  public boolean containsKey(Object key) {
    return fieldIndex(key) >= 0 || (key instanceof String && base != null && base.containsKey(key));
  }

  @Override
  public int size() {
    int size = fields.length / 2;
    if (base != null) {
      for (Object key : base.keySet()) {
        if (fieldIndex(String.valueOf(key)) < 0) {
          size++;
        }
      }
    }
    return size;
  }

  @Override
  public boolean isEmpty() {
    return fields.length == 0 && (base == null || base.isEmpty());
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    Set<Entry<String, String>> set = entries;
    if (set == null) {
      set = new AbstractSet<Entry<String, String>>() {
        @Override
        public Iterator<Entry<String, String>> iterator() {
          return new Entries();
        }

        @Override
        public int size() {
          return TraceFieldsMap.this.size();
        }
      };
      entries = set;
    }
    return set;
  }

  /** The base's entries that no field replaces, as text, then the fields. */
  private final class Entries implements Iterator<Entry<String, String>> {
    private final Iterator<? extends Entry<?, ?>> baseEntries = base == null ? null : base.entrySet().iterator();
    private int field;
    private Entry<String, String> next = advance();

    private Entry<String, String> advance() {
      while (baseEntries != null && baseEntries.hasNext()) {
        Entry<?, ?> entry = baseEntries.next();
        Object key = entry.getKey();
        Object value = entry.getValue();
        if (key instanceof String && (value == null || value instanceof String)) {
          if (fieldIndex(key) < 0) {
            return castEntry(entry); // text already: the snapshot's own read-only entry
          }
        } else if (fieldIndex(String.valueOf(key)) < 0) {
          return new SimpleImmutableEntry<>(String.valueOf(key), value == null ? null : String.valueOf(value));
        }
      }
      if (field < fields.length) {
        Entry<String, String> entry = new SimpleImmutableEntry<>(fields[field], fields[field + 1]);
        field += 2;
        return entry;
      }
      return null;
    }

    @SuppressWarnings("unchecked")
    private Entry<String, String> castEntry(Entry<?, ?> entry) {
      return (Entry<String, String>) entry;
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Entry<String, String> next() {
      Entry<String, String> entry = next;
      if (entry == null) {
        throw new NoSuchElementException();
      }
      next = advance();
      return entry;
    }
  }
}
