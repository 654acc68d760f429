package io.sightline.agent.records;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;

/**
 * An emitted {@link FlatLogRecord}'s data: immutable, its attributes an array of their own (read as
 * {@link Attributes} by any exporter, and pair by pair by the OTLP encoder).
 */
public final class FlatLogRecordData implements LogRecordData {
  private final Resource resource;
  private final InstrumentationScopeInfo scope;
  private final long timestampEpochNanos;
  private final long observedTimestampEpochNanos;
  private final SpanContext spanContext;
  private final Severity severity;
  private final String severityText;
  private final Value<?> body;
  private final AttributeArray attributes;
  private final String eventName;

  FlatLogRecordData(Resource resource, InstrumentationScopeInfo scope, long timestampEpochNanos,
      long observedTimestampEpochNanos, SpanContext spanContext, Severity severity, String severityText,
      Value<?> body, AttributeArray attributes, String eventName) {
    this.resource = resource;
    this.scope = scope;
    this.timestampEpochNanos = timestampEpochNanos;
    this.observedTimestampEpochNanos = observedTimestampEpochNanos;
    this.spanContext = spanContext;
    this.severity = severity;
    this.severityText = severityText;
    this.body = body;
    this.attributes = attributes;
    this.eventName = eventName;
  }

  /** The same record with {@code frozen} (never changed again) as its attributes. */
  FlatLogRecordData withAttributes(AttributeArray frozen) {
    return new FlatLogRecordData(resource, scope, timestampEpochNanos, observedTimestampEpochNanos, spanContext,
        severity, severityText, body, frozen, eventName);
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public long getTimestampEpochNanos() {
    return timestampEpochNanos;
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return observedTimestampEpochNanos;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public Severity getSeverity() {
    return severity;
  }

  @Override
  public String getSeverityText() {
    return severityText;
  }

  @Override
  @SuppressWarnings("deprecation") // part of the interface
  public Body getBody() {
    return body == null ? Body.empty() : Body.string(body.asString());
  }

  @Override
  public Value<?> getBodyValue() {
    return body;
  }

  @Override
  public Attributes getAttributes() {
    return attributes == null ? Attributes.empty() : attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes == null ? 0 : attributes.totalAdded();
  }

  @Override
  public String getEventName() {
    return eventName;
  }

  /** The attributes as set, or null when none was: read pair by pair by the OTLP encoder. */
  public AttributeArray attributeArray() {
    return attributes;
  }

  @Override
  public String toString() {
    return "LogRecordData{severity=" + severity + ", body=" + body + ", attributes=" + getAttributes()
        + ", spanContext=" + spanContext + ", scope=" + scope.getName() + "}";
  }
}
