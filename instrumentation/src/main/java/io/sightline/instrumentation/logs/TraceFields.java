package io.sightline.instrumentation.logs;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.sightline.instrumentation.api.Settings;
import io.sightline.instrumentation.http.RequestIds;
import java.util.HashMap;
import java.util.Map;

/**
 * The trace, span and request ids that log lines carry while a span is current, under the key
 * names of the OpenTelemetry agent's settings. Outside a valid span there are none: nothing is
 * ever added to a line logged outside a trace.
 */
public final class TraceFields {
  private static final TraceFields INSTANCE = new TraceFields(
      Settings.getString("otel.instrumentation.common.logging.trace-id-key", "trace_id"),
      Settings.getString("otel.instrumentation.common.logging.span-id-key", "span_id"),
      Settings.getString("otel.instrumentation.common.logging.trace-flags-key", "trace_flags"),
      Settings.getString("sightline.logs.request-id-key", "request_id"));

  private final String traceIdKey;
  private final String spanIdKey;
  private final String traceFlagsKey;
  private final String requestIdKey;

  TraceFields(String traceIdKey, String spanIdKey, String traceFlagsKey, String requestIdKey) {
    this.traceIdKey = traceIdKey;
    this.spanIdKey = spanIdKey;
    this.traceFlagsKey = traceFlagsKey;
    this.requestIdKey = requestIdKey;
  }

  public static TraceFields get() {
    return INSTANCE;
  }

  public String traceIdKey() {
    return traceIdKey;
  }

  public String spanIdKey() {
    return spanIdKey;
  }

  public String requestIdKey() {
    return requestIdKey;
  }

  /** The current fields as {@code key, value, key, value...}, or null outside a valid span. */
  public String[] current() {
    Context context = Context.current();
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (!span.isValid()) {
      return null;
    }
    String requestId = RequestIds.fromContext(context);
    if (requestId == null) {
      return new String[] {traceIdKey, span.getTraceId(), spanIdKey, span.getSpanId(),
          traceFlagsKey, span.getTraceFlags().asHex()};
    }
    return new String[] {traceIdKey, span.getTraceId(), spanIdKey, span.getSpanId(),
        traceFlagsKey, span.getTraceFlags().asHex(), requestIdKey, requestId};
  }

  /** The value of one of our keys for the current span (an MDC lookup the application makes). */
  public String value(Object key) {
    if (!(key instanceof String)) {
      return null;
    }
    if (!key.equals(traceIdKey) && !key.equals(spanIdKey) && !key.equals(traceFlagsKey) && !key.equals(requestIdKey)) {
      return null;
    }
    String[] fields = current();
    if (fields == null) {
      return null;
    }
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equals(key)) {
        return fields[i + 1];
      }
    }
    return null;
  }

  /**
   * A copy of {@code base} (may be null) with the current fields added, or null when there is
   * nothing to add: outside a span, or when {@code base} already has a trace id (an event already
   * enriched, or an application that sets its own). The copy is the caller's to change.
   */
  public Map<String, String> addTo(Map<?, ?> base) {
    String[] fields = toAdd(base);
    if (fields == null) {
      return null;
    }
    Map<String, String> copy = new HashMap<>();
    if (base != null) {
      for (Map.Entry<?, ?> entry : base.entrySet()) {
        copy.put(String.valueOf(entry.getKey()), entry.getValue() == null ? null : String.valueOf(entry.getValue()));
      }
    }
    for (int i = 0; i < fields.length; i += 2) {
      copy.put(fields[i], fields[i + 1]);
    }
    return copy;
  }

  /**
   * Like {@link #addTo}, but a read-only view of {@code base} with the fields added, for a map that
   * does not change once taken (a logging event's snapshot of the MDC): nothing is copied.
   */
  public Map<String, String> overlay(Map<?, ?> base) {
    String[] fields = toAdd(base);
    return fields == null ? null : new TraceFieldsMap(base, fields);
  }

  private String[] toAdd(Map<?, ?> base) {
    if (base != null && base.containsKey(traceIdKey)) {
      return null;
    }
    return current();
  }
}
