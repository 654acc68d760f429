package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.sightline.agent.records.BinarySpanContext;
import io.sightline.agent.records.FlatSpan;
import java.util.List;

/**
 * Writes a span as OTLP protobuf ({@code opentelemetry/proto/trace/v1}), field for field as
 * OpenTelemetry's own marshaler writes it (the same fields left out when they hold their default),
 * so that a collector cannot tell the two apart. {@code OtlpSpanEncoderTest} checks it against the
 * SDK's marshaler.
 *
 * <p>A span is written once, by the export worker, as a complete {@code ScopeSpans.spans} field
 * (tag and length included): the export request is then the concatenation of such fields under
 * their scopes, with no second walk over the span and no size pass.
 */
final class OtlpSpanEncoder {
  // Span
  private static final int TRACE_ID = 1;
  private static final int SPAN_ID = 2;
  private static final int TRACE_STATE = 3;
  private static final int PARENT_SPAN_ID = 4;
  private static final int NAME = 5;
  private static final int KIND = 6;
  private static final int START = 7;
  private static final int END = 8;
  private static final int ATTRIBUTES = 9;
  private static final int DROPPED_ATTRIBUTES = 10;
  private static final int EVENTS = 11;
  private static final int DROPPED_EVENTS = 12;
  private static final int LINKS = 13;
  private static final int DROPPED_LINKS = 14;
  private static final int STATUS = 15;
  private static final int FLAGS = 16;

  private OtlpSpanEncoder() {}

  /** {@code span} as one {@code ScopeSpans.spans} field. */
  static void span(ProtoBuffer out, SpanData span) {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    int mark = head(out, context, parent, span.getName(), span.getKind(), span.getStartEpochNanos(),
        span.getEndEpochNanos());
    Attributes attributes = span.getAttributes();
    OtlpEncoding.attributes(out, ATTRIBUTES, attributes);
    OtlpEncoding.optionalUint32(out, DROPPED_ATTRIBUTES, span.getTotalAttributeCount() - attributes.size());
    tail(out, mark, context, parent, span.getEvents(), span.getTotalRecordedEvents(), span.getLinks(),
        span.getTotalRecordedLinks(), span.getStatus());
  }

  /**
   * An ended {@link FlatSpan}, read directly: the same fields as {@link #span(ProtoBuffer, SpanData)}
   * writes for its {@code SpanData}, with the attributes in the order they were first set (OTLP
   * gives the order no meaning).
   */
  static void span(ProtoBuffer out, FlatSpan span) {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    int mark = head(out, context, parent, span.endedName(), span.getKind(), span.startEpochNanos(),
        span.endEpochNanos());
    int attributes = OtlpEncoding.attributes(out, ATTRIBUTES, span.attributeArray());
    OtlpEncoding.optionalUint32(out, DROPPED_ATTRIBUTES, span.totalAttributeCount() - attributes);
    tail(out, mark, context, parent, span.events(), span.totalRecordedEvents(), span.links(),
        span.totalRecordedLinks(), span.status());
  }

  /** Opens the span's field and writes what comes before its attributes; answers the mark to close. */
  private static int head(ProtoBuffer out, SpanContext context, SpanContext parent, String name, SpanKind kind,
      long startEpochNanos, long endEpochNanos) {
    int mark = out.begin(OtlpEncoding.SCOPE_ITEMS_ITEMS);
    ids(out, TRACE_ID, SPAN_ID, context);
    traceState(out, TRACE_STATE, context.getTraceState());
    if (parent instanceof BinarySpanContext) {
      out.id(PARENT_SPAN_ID, ((BinarySpanContext) parent).spanIdLong());
    } else if (parent.isValid()) {
      out.hexId(PARENT_SPAN_ID, parent.getSpanId());
    }
    out.optionalString(NAME, name);
    out.tag(KIND, ProtoBuffer.VARINT);
    out.varint(kind.ordinal() + 1); // INTERNAL = 1 ... CONSUMER = 5, in both enums' order
    OtlpEncoding.optionalFixed64(out, START, startEpochNanos);
    OtlpEncoding.optionalFixed64(out, END, endEpochNanos);
    return mark;
  }

  /** What comes after the attributes: events, links, status, flags; then closes the span's field. */
  private static void tail(ProtoBuffer out, int mark, SpanContext context, SpanContext parent, List<EventData> events,
      int totalEvents, List<LinkData> links, int totalLinks, StatusData status) {
    for (int i = 0; i < events.size(); i++) {
      event(out, events.get(i));
    }
    OtlpEncoding.optionalUint32(out, DROPPED_EVENTS, totalEvents - events.size());
    for (int i = 0; i < links.size(); i++) {
      link(out, links.get(i));
    }
    OtlpEncoding.optionalUint32(out, DROPPED_LINKS, totalLinks - links.size());
    status(out, status);
    out.tag(FLAGS, ProtoBuffer.FIXED32);
    out.fixed32(OtlpEncoding.flags(context.getTraceFlags(), parent.isRemote()));
    out.end(mark);
  }

  private static void event(ProtoBuffer out, EventData event) {
    int mark = out.begin(EVENTS);
    OtlpEncoding.optionalFixed64(out, 1, event.getEpochNanos());
    out.optionalString(2, event.getName());
    Attributes attributes = event.getAttributes();
    OtlpEncoding.attributes(out, 3, attributes);
    OtlpEncoding.optionalUint32(out, 4, event.getTotalAttributeCount() - attributes.size());
    out.end(mark);
  }

  private static void link(ProtoBuffer out, LinkData link) {
    int mark = out.begin(LINKS);
    SpanContext context = link.getSpanContext();
    ids(out, 1, 2, context);
    traceState(out, 3, context.getTraceState());
    Attributes attributes = link.getAttributes();
    OtlpEncoding.attributes(out, 4, attributes);
    OtlpEncoding.optionalUint32(out, 5, link.getTotalAttributeCount() - attributes.size());
    out.tag(6, ProtoBuffer.FIXED32);
    out.fixed32(OtlpEncoding.flags(context.getTraceFlags(), context.isRemote()));
    out.end(mark);
  }

  /**
   * A context's trace and span ids: written from the numbers when the agent kept them
   * ({@link BinarySpanContext}), else decoded from the hex.
   */
  static void ids(ProtoBuffer out, int traceIdField, int spanIdField, SpanContext context) {
    if (context instanceof BinarySpanContext) {
      BinarySpanContext ids = (BinarySpanContext) context;
      out.id(traceIdField, ids.traceIdHigh(), ids.traceIdLow());
      out.id(spanIdField, ids.spanIdLong());
    } else {
      out.hexId(traceIdField, context.getTraceId());
      out.hexId(spanIdField, context.getSpanId());
    }
  }

  private static void status(ProtoBuffer out, StatusData status) {
    int mark = out.begin(STATUS);
    out.optionalString(2, status.getDescription());
    int code;
    switch (status.getStatusCode()) {
      case OK:
        code = 1;
        break;
      case ERROR:
        code = 2;
        break;
      default:
        code = 0;
    }
    if (code != 0) {
      out.tag(3, ProtoBuffer.VARINT);
      out.varint(code);
    }
    out.end(mark);
  }

  /** The W3C form of the trace state, as the SDK's marshaler writes it; nothing when empty. */
  private static void traceState(ProtoBuffer out, int field, TraceState state) {
    if (state.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    state.forEach((key, value) -> {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(key).append('=').append(value);
    });
    out.string(field, text.toString());
  }

}
