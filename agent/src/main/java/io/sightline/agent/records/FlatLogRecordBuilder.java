package io.sightline.agent.records;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.LogLimits;
import io.opentelemetry.sdk.logs.SdkLoggerState;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Builds and emits a {@link FlatLogRecord} as the SDK's record builder does: the same defaults
 * (unspecified severity, the current context, the clock's time as observed time when none is set),
 * attribute limits, exception attributes, and one {@code onEmit} to the processors; nothing after
 * the provider is shut down.
 */
final class FlatLogRecordBuilder implements LogRecordBuilder {
  private final SdkLoggerState state;
  private final InstrumentationScopeInfo scope;
  private final LogLimits limits;
  private long timestampEpochNanos;
  private long observedTimestampEpochNanos;
  private Context context;
  private Severity severity = Severity.UNDEFINED_SEVERITY_NUMBER;
  private String severityText;
  private Value<?> body;
  private String eventName;
  private AttributeArray attributes;

  FlatLogRecordBuilder(SdkLoggerState state, InstrumentationScopeInfo scope, LogLimits limits) {
    this.state = state;
    this.scope = scope;
    this.limits = limits;
  }

  @Override
  public LogRecordBuilder setTimestamp(long timestamp, TimeUnit unit) {
    timestampEpochNanos = unit.toNanos(timestamp);
    return this;
  }

  @Override
  public LogRecordBuilder setTimestamp(Instant instant) {
    timestampEpochNanos = TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    return this;
  }

  @Override
  public LogRecordBuilder setObservedTimestamp(long timestamp, TimeUnit unit) {
    observedTimestampEpochNanos = unit.toNanos(timestamp);
    return this;
  }

  @Override
  public LogRecordBuilder setObservedTimestamp(Instant instant) {
    observedTimestampEpochNanos = TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    return this;
  }

  @Override
  public LogRecordBuilder setContext(Context context) {
    this.context = context;
    return this;
  }

  @Override
  public LogRecordBuilder setSeverity(Severity severity) {
    this.severity = severity;
    return this;
  }

  @Override
  public LogRecordBuilder setSeverityText(String severityText) {
    this.severityText = severityText;
    return this;
  }

  @Override
  public LogRecordBuilder setBody(String body) {
    return setBody(Value.of(body));
  }

  @Override
  public LogRecordBuilder setBody(Value<?> body) {
    this.body = body;
    return this;
  }

  @Override
  public LogRecordBuilder setEventName(String eventName) {
    this.eventName = eventName;
    return this;
  }

  @Override
  public <T> LogRecordBuilder setAttribute(AttributeKey<T> key, T value) {
    if (key == null || key.getKey().isEmpty() || value == null) {
      return this;
    }
    if (attributes == null) {
      attributes = new AttributeArray(limits.getMaxNumberOfAttributes(), limits.getMaxAttributeValueLength());
    }
    attributes.put(key, value);
    return this;
  }

  /** The SDK's exception attributes, each unless the record already has that attribute. */
  @Override
  public LogRecordBuilder setException(Throwable throwable) {
    if (throwable != null) {
      state.exceptionAttributes().setExceptionAttributes(this::setExceptionAttribute, throwable,
          limits.getMaxAttributeValueLength());
    }
    return this;
  }

  private <T> void setExceptionAttribute(AttributeKey<T> key, T value) {
    if (key != null && !key.getKey().isEmpty() && value != null
        && (attributes == null || attributes.get(key) == null)) {
      setAttribute(key, value);
    }
  }

  @Override
  public void emit() {
    if (state.hasBeenShutdown()) {
      return;
    }
    Context emitContext = context == null ? Context.current() : context;
    long observed = observedTimestampEpochNanos == 0 ? state.clock().now() : observedTimestampEpochNanos;
    FlatLogRecord record = new FlatLogRecord(limits, new FlatLogRecordData(state.resource(), scope,
        timestampEpochNanos, observed, Span.fromContext(emitContext).getSpanContext(), severity, severityText, body,
        null, eventName), attributes);
    attributes = null;
    state.processor().onEmit(emitContext, record);
  }
}
