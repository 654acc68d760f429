package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.sightline.agent.records.AttributeArray;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What OTLP's signals share, written as OpenTelemetry's marshalers write it: attributes and any
 * values ({@code opentelemetry/proto/common/v1}), the resource and the instrumentation scope. The
 * field numbers of the request, resource and scope levels are the same for spans and log records
 * ({@code ResourceSpans} / {@code ResourceLogs}, {@code ScopeSpans} / {@code ScopeLogs}).
 */
final class OtlpEncoding {
  // Export*ServiceRequest, Resource*, Scope*
  static final int REQUEST_RESOURCE_ITEMS = 1;
  static final int RESOURCE_ITEMS_RESOURCE = 1;
  static final int RESOURCE_ITEMS_SCOPE_ITEMS = 2;
  static final int RESOURCE_ITEMS_SCHEMA_URL = 3;
  static final int SCOPE_ITEMS_SCOPE = 1;
  static final int SCOPE_ITEMS_ITEMS = 2;
  static final int SCOPE_ITEMS_SCHEMA_URL = 3;

  private static final int MAX_KEYS = 4096;
  private static final ConcurrentHashMap<String, byte[]> KEYS = new ConcurrentHashMap<>();

  private OtlpEncoding() {}

  /** The resource as the {@code resource} field of a {@code ResourceSpans} or {@code ResourceLogs}. */
  static void resource(ProtoBuffer out, Resource resource) {
    int mark = out.begin(RESOURCE_ITEMS_RESOURCE);
    attributes(out, 1, resource.getAttributes());
    out.end(mark);
  }

  /** The scope as the {@code scope} field of a {@code ScopeSpans} or {@code ScopeLogs}. */
  static void scope(ProtoBuffer out, InstrumentationScopeInfo scope) {
    int mark = out.begin(SCOPE_ITEMS_SCOPE);
    out.optionalString(1, scope.getName());
    out.optionalString(2, scope.getVersion());
    attributes(out, 3, scope.getAttributes());
    out.end(mark);
  }

  /** Each attribute as a {@code KeyValue} in repeated field {@code field}. */
  static void attributes(ProtoBuffer out, int field, Attributes attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    attributes.forEach((key, value) -> keyValue(out, field, key, value));
  }

  /**
   * The agent's own attributes ({@code null}: none), pair by pair in the order set, with no
   * callback; answers how many were written.
   */
  static int attributes(ProtoBuffer out, int field, AttributeArray attributes) {
    int count = attributes == null ? 0 : attributes.size();
    for (int i = 0; i < count; i++) {
      keyValue(out, field, attributes.key(i), attributes.value(i));
    }
    return count;
  }

  private static void keyValue(ProtoBuffer out, int field, AttributeKey<?> key, Object value) {
    int mark = out.begin(field);
    key(out, key.getKey());
    int valueMark = out.begin(2);
    switch (key.getType()) {
      case STRING:
        out.string(1, (String) value);
        break;
      case BOOLEAN:
        bool(out, (Boolean) value);
        break;
      case LONG:
        int64(out, (Long) value);
        break;
      case DOUBLE:
        dbl(out, (Double) value);
        break;
      case STRING_ARRAY:
      case BOOLEAN_ARRAY:
      case LONG_ARRAY:
      case DOUBLE_ARRAY:
        int arrayMark = out.begin(5);
        for (Object element : (List<?>) value) {
          int elementMark = out.begin(1);
          scalar(out, element);
          out.end(elementMark);
        }
        out.end(arrayMark);
        break;
      case VALUE:
        anyValueContent(out, (Value<?>) value);
        break;
      default:
        // A type this version does not know: its text, rather than nothing.
        out.string(1, String.valueOf(value));
    }
    out.end(valueMark);
    out.end(mark);
  }

  /**
   * {@code KeyValue.key}: attribute keys are few and constant, so their encoded field is kept (up to
   * {@value #MAX_KEYS} of them; past that, keys are encoded each time).
   */
  private static void key(ProtoBuffer out, String key) {
    if (key.isEmpty()) {
      return;
    }
    byte[] encoded = KEYS.get(key);
    if (encoded == null) {
      ProtoBuffer buffer = new ProtoBuffer(key.length() + 8);
      buffer.string(1, key);
      encoded = buffer.toByteArray();
      if (KEYS.size() < MAX_KEYS) {
        KEYS.putIfAbsent(key, encoded);
      }
    }
    out.raw(encoded, 0, encoded.length);
  }

  private static void scalar(ProtoBuffer out, Object element) {
    if (element instanceof String) {
      out.string(1, (String) element);
    } else if (element instanceof Boolean) {
      bool(out, (Boolean) element);
    } else if (element instanceof Long) {
      int64(out, (Long) element);
    } else if (element instanceof Double) {
      dbl(out, (Double) element);
    }
  }

  /** The fields of an {@code AnyValue} holding {@code value} (the caller wrote the message's tag). */
  static void anyValueContent(ProtoBuffer out, Value<?> value) {
    switch (value.getType()) {
      case STRING:
        out.string(1, (String) value.getValue());
        break;
      case BOOLEAN:
        bool(out, (Boolean) value.getValue());
        break;
      case LONG:
        int64(out, (Long) value.getValue());
        break;
      case DOUBLE:
        dbl(out, (Double) value.getValue());
        break;
      case ARRAY: {
        int arrayMark = out.begin(5);
        for (Object element : (List<?>) value.getValue()) {
          int elementMark = out.begin(1);
          anyValueContent(out, (Value<?>) element);
          out.end(elementMark);
        }
        out.end(arrayMark);
        break;
      }
      case KEY_VALUE_LIST: {
        int listMark = out.begin(6);
        for (Object element : (List<?>) value.getValue()) {
          KeyValue entry = (KeyValue) element;
          int entryMark = out.begin(1);
          out.optionalString(1, entry.getKey());
          int entryValue = out.begin(2);
          anyValueContent(out, entry.getValue());
          out.end(entryValue);
          out.end(entryMark);
        }
        out.end(listMark);
        break;
      }
      case BYTES: {
        ByteBuffer buffer = ((ByteBuffer) value.getValue()).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        out.tag(7, ProtoBuffer.LENGTH_DELIMITED);
        out.varint(bytes.length);
        out.raw(bytes, 0, bytes.length);
        break;
      }
      default:
        // EMPTY: an AnyValue with no value set.
    }
  }

  /**
   * The W3C trace flags in the low byte, then OTLP's "whether the parent (or linked) context is
   * remote is known" bit, and that it is.
   */
  static int flags(TraceFlags traceFlags, boolean remote) {
    return (traceFlags.asByte() & 0xFF) | 0x100 | (remote ? 0x200 : 0);
  }

  private static void bool(ProtoBuffer out, boolean value) {
    out.tag(2, ProtoBuffer.VARINT);
    out.varint(value ? 1 : 0);
  }

  private static void int64(ProtoBuffer out, long value) {
    out.tag(3, ProtoBuffer.VARINT);
    out.varint64(value);
  }

  private static void dbl(ProtoBuffer out, double value) {
    out.tag(4, ProtoBuffer.FIXED64);
    out.fixed64(Double.doubleToRawLongBits(value));
  }

  static void optionalFixed64(ProtoBuffer out, int field, long value) {
    if (value != 0) {
      out.tag(field, ProtoBuffer.FIXED64);
      out.fixed64(value);
    }
  }

  static void optionalUint32(ProtoBuffer out, int field, int value) {
    if (value > 0) {
      out.tag(field, ProtoBuffer.VARINT);
      out.varint(value);
    }
  }
}
