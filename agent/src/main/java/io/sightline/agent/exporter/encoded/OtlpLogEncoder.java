package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.sightline.agent.records.BinarySpanContext;
import io.sightline.agent.records.FlatLogRecordData;

/**
 * Writes a log record as OTLP protobuf ({@code opentelemetry/proto/logs/v1}), field for field as
 * OpenTelemetry's own marshaler writes it. {@code OtlpLogEncoderTest} checks it against the SDK's
 * marshaler.
 */
final class OtlpLogEncoder {
  private static final int TIME = 1;
  private static final int SEVERITY_NUMBER = 2;
  private static final int SEVERITY_TEXT = 3;
  private static final int BODY = 5;
  private static final int ATTRIBUTES = 6;
  private static final int DROPPED_ATTRIBUTES = 7;
  private static final int FLAGS = 8;
  private static final int TRACE_ID = 9;
  private static final int SPAN_ID = 10;
  private static final int OBSERVED_TIME = 11;
  private static final int EVENT_NAME = 12;

  private OtlpLogEncoder() {}

  /** {@code log} as one {@code ScopeLogs.log_records} field. */
  static void logRecord(ProtoBuffer out, LogRecordData log) {
    int mark = out.begin(OtlpEncoding.SCOPE_ITEMS_ITEMS);
    OtlpEncoding.optionalFixed64(out, TIME, log.getTimestampEpochNanos());
    OtlpEncoding.optionalFixed64(out, OBSERVED_TIME, log.getObservedTimestampEpochNanos());
    int severity = log.getSeverity().getSeverityNumber();
    if (severity != 0) {
      out.tag(SEVERITY_NUMBER, ProtoBuffer.VARINT);
      out.varint(severity);
    }
    out.optionalString(SEVERITY_TEXT, log.getSeverityText());
    Value<?> body = log.getBodyValue();
    if (body != null) {
      int bodyMark = out.begin(BODY);
      OtlpEncoding.anyValueContent(out, body);
      out.end(bodyMark);
    }
    int attributeCount;
    if (log instanceof FlatLogRecordData) {
      // The agent's own record: its attribute pairs in the order set, read without a callback.
      attributeCount = OtlpEncoding.attributes(out, ATTRIBUTES, ((FlatLogRecordData) log).attributeArray());
    } else {
      Attributes attributes = log.getAttributes();
      OtlpEncoding.attributes(out, ATTRIBUTES, attributes);
      attributeCount = attributes.size();
    }
    OtlpEncoding.optionalUint32(out, DROPPED_ATTRIBUTES, log.getTotalAttributeCount() - attributeCount);
    SpanContext context = log.getSpanContext();
    int flags = context.getTraceFlags().asByte() & 0xFF;
    if (flags != 0) {
      out.tag(FLAGS, ProtoBuffer.FIXED32);
      out.fixed32(flags);
    }
    if (context instanceof BinarySpanContext) {
      // kept as numbers by the agent (and valid): written as they are
      OtlpSpanEncoder.ids(out, TRACE_ID, SPAN_ID, context);
    } else {
      hexIds(out, context);
    }
    out.optionalString(EVENT_NAME, log.getEventName());
    out.end(mark);
  }

  /** Each id unless it is the invalid (all-zero) one, as the SDK's marshaler writes them. */
  private static void hexIds(ProtoBuffer out, SpanContext context) {
    if (!context.getTraceId().equals(SpanContext.getInvalid().getTraceId())) {
      out.hexId(TRACE_ID, context.getTraceId());
    }
    if (!context.getSpanId().equals(SpanContext.getInvalid().getSpanId())) {
      out.hexId(SPAN_ID, context.getSpanId());
    }
  }
}
