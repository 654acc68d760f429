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

/**
 * The agent's own log record, as processors see it while it is emitted: a {@link ReadWriteLogRecord}
 * whose attributes a processor may still set (under the record's lock, as in the SDK). Its data
 * ({@link #toLogRecordData}) is a {@link FlatLogRecordData}: the fields, and the attribute array
 * copied as it is, where the SDK sorts a copy into a new attributes object.
 */
final class FlatLogRecord implements ReadWriteLogRecord {
  private final LogLimits limits;
  /** Everything but the attributes, which only this record's lock guards until its data is taken. */
  private final FlatLogRecordData fields;
  // Guarded by this.
  private AttributeArray attributes;

  FlatLogRecord(LogLimits limits, FlatLogRecordData fields, AttributeArray attributes) {
    this.limits = limits;
    this.fields = fields;
    this.attributes = attributes;
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
    return attributes == null ? fields : fields.withAttributes(attributes.frozenCopy());
  }

  @Override
  public String getEventName() {
    return fields.getEventName();
  }

  @Override
  public synchronized <T> T getAttribute(AttributeKey<T> key) {
    return attributes == null ? null : attributes.get(key);
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return fields.getInstrumentationScopeInfo();
  }

  @Override
  public long getTimestampEpochNanos() {
    return fields.getTimestampEpochNanos();
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return fields.getObservedTimestampEpochNanos();
  }

  @Override
  public SpanContext getSpanContext() {
    return fields.getSpanContext();
  }

  @Override
  public Severity getSeverity() {
    return fields.getSeverity();
  }

  @Override
  public String getSeverityText() {
    return fields.getSeverityText();
  }

  @Override
  public Value<?> getBodyValue() {
    return fields.getBodyValue();
  }

  @Override
  public synchronized Attributes getAttributes() {
    return attributes == null ? Attributes.empty() : attributes.copy();
  }
}
