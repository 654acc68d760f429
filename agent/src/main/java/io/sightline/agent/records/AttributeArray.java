package io.sightline.agent.records;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.internal.AttributeUtil;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A span's attributes as key, value pairs in one array, in the order first set, under the span
 * limits: at most {@code capacity} keys (a new key past that is dropped), string values cut to
 * {@code lengthLimit}. Setting a key again replaces its value in place. As in the SDK's map, every
 * {@link #put} counts towards {@link #totalAdded}, replacements included, so that the dropped count
 * exported is the SDK's.
 *
 * <p>Not thread-safe: a builder is confined to its thread, and a span or log record guards its array
 * with its lock. Read as {@link Attributes} by the sampler while a span is being started, and as a
 * log record's data once frozen ({@link #frozenCopy}).
 */
public final class AttributeArray implements Attributes {
  private static final int INITIAL_PAIRS = 8;

  private final int capacity;
  private final int lengthLimit;
  private Object[] pairs;
  private int size;
  private int totalAdded;
  /** One bit per key held, chosen by its hash code: a key whose bit is clear is certainly new. */
  private long hashBits;

  AttributeArray(int capacity, int lengthLimit) {
    this.capacity = capacity;
    this.lengthLimit = lengthLimit;
  }

  <T> void put(AttributeKey<T> key, T value) {
    totalAdded++;
    Object limited = lengthLimit == Integer.MAX_VALUE ? value : AttributeUtil.applyAttributeLengthLimit(value, lengthLimit);
    long bit = 1L << key.hashCode();
    if ((hashBits & bit) != 0) {
      int index = indexOf(key);
      if (index >= 0) {
        pairs[2 * index + 1] = limited;
        return;
      }
    }
    if (size >= capacity) {
      return;
    }
    hashBits |= bit;
    if (pairs == null) {
      pairs = new Object[2 * Math.min(INITIAL_PAIRS, Math.max(1, capacity))];
    } else if (2 * size == pairs.length) {
      Object[] grown = new Object[2 * Math.min(capacity, 2 * size)];
      System.arraycopy(pairs, 0, grown, 0, pairs.length);
      pairs = grown;
    }
    pairs[2 * size] = key;
    pairs[2 * size + 1] = limited;
    size++;
  }

  private int indexOf(AttributeKey<?> key) {
    // One pass: the same constant (the instrumentations' keys), else an equal key built apart; the
    // key's hash code is a field, so a key of another name is passed over without comparing names.
    int hash = key.hashCode();
    for (int i = 0; i < size; i++) {
      Object candidate = pairs[2 * i];
      if (candidate == key || (candidate.hashCode() == hash && candidate.equals(key))) {
        return i;
      }
    }
    return -1;
  }

  int totalAdded() {
    return totalAdded;
  }

  public AttributeKey<?> key(int index) {
    return (AttributeKey<?>) pairs[2 * index];
  }

  public Object value(int index) {
    return pairs[2 * index + 1];
  }

  /** A copy of the array as it is (no sorting), to be read and never changed. */
  AttributeArray frozenCopy() {
    AttributeArray copy = new AttributeArray(capacity, lengthLimit);
    copy.pairs = pairs == null ? null : Arrays.copyOf(pairs, 2 * size);
    copy.size = size;
    copy.totalAdded = totalAdded;
    copy.hashBits = hashBits;
    return copy;
  }

  /** An immutable copy, as the SDK's {@code SpanData} holds it. */
  Attributes copy() {
    if (size == 0) {
      return Attributes.empty();
    }
    AttributesBuilder builder = Attributes.builder();
    for (int i = 0; i < size; i++) {
      putInto(builder, key(i), value(i));
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private static <T> void putInto(AttributesBuilder builder, AttributeKey<T> key, Object value) {
    builder.put(key, (T) value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(AttributeKey<T> key) {
    if (key == null || (hashBits & (1L << key.hashCode())) == 0) {
      return null;
    }
    int index = indexOf(key);
    return index < 0 ? null : (T) pairs[2 * index + 1];
  }

  @Override
  public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
    for (int i = 0; i < size; i++) {
      consumer.accept(key(i), value(i));
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
    forEach(map::put);
    return Collections.unmodifiableMap(map);
  }

  @Override
  public AttributesBuilder toBuilder() {
    return copy().toBuilder();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
