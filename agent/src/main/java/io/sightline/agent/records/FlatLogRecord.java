package io.sightline.agent.records;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.LogLimits;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;

/**
 * The agent's own log record, as processors see it while it is emitted: a {@link ReadWriteLogRecord}
 * whose attributes a processor may still set (under the record's lock, as in the SDK). Its data
 * ({@link #toLogRecordData}) is a {@link FlatLogRecordData}: the fields, and the attribute array
 * copied as it is, where the SDK sorts a copy into a new attributes object.
 */
final class FlatLogRecord implements ReadWriteLogRecord {
  private final LogLimits limits;
  private final Resource resource;
  private final InstrumentationScopeInfo scope;
  private final long timestampEpochNanos;
  private final long observedTimestampEpochNanos;
  private final SpanContext spanContext;
  private final Severity severity;
  private final String severityText;
  private final Value<?> body;
  private final String eventName;
  // Guarded by this.
  private AttributeArray attributes;

  FlatLogRecord(LogLimits limits, Resource resource, InstrumentationScopeInfo scope, long timestampEpochNanos,
      long observedTimestampEpochNanos, SpanContext spanContext, Severity severity, String severityText,
      Value<?> body, AttributeArray attributes, String eventName) {
    this.limits = limits;
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

  @Override
  public <T> ReadWriteLogRecord setAttribute(AttributeKey<T> key, T value) {
    if (key == null || key.getKey().isEmpty() || value == null) {
      return this;
    }
    synchronized (this) {
      if (attributes == null) {
        attributes = new AttributeArray(limits.getMaxNumberOfAttributes(), limits.getMaxAttributeValueLength());
      }
      attributes.put(key, value);
    }
    return this;
  }

  @Override
  public synchronized LogRecordData toLogRecordData() {
    return new FlatLogRecordData(resource, scope, timestampEpochNanos, observedTimestampEpochNanos, spanContext,
        severity, severityText, body, attributes == null ? null : attributes.frozenCopy(),
        attributes == null ? 0 : attributes.totalAdded(), eventName);
  }

  @Override
  public String getEventName() {
    return eventName;
  }

  @Override
  public synchronized <T> T getAttribute(AttributeKey<T> key) {
    return attributes == null ? null : attributes.get(key);
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
  public Value<?> getBodyValue() {
    return body;
  }

  @Override
  public synchronized Attributes getAttributes() {
    return attributes == null ? Attributes.empty() : attributes.copy();
  }
}
