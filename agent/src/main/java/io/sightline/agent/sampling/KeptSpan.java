package io.sightline.agent.sampling;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * An ended span that was recorded but not sampled, handed to the export processors as sampled
 * because its local trace is kept for its outcome: the same span, with the sampled flag set.
 */
final class KeptSpan implements ReadableSpan {
  private final ReadableSpan span;
  private final SpanContext context;

  KeptSpan(ReadableSpan span) {
    this.span = span;
    SpanContext original = span.getSpanContext();
    // Sampled, keeping the other flags (the W3C random-trace-id bit).
    this.context = SpanContext.create(original.getTraceId(), original.getSpanId(),
        TraceFlags.fromByte((byte) (original.getTraceFlags().asByte() | TraceFlags.getSampled().asByte())),
        original.getTraceState());
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return span.getParentSpanContext();
  }

  @Override
  public String getName() {
    return span.getName();
  }

  @Override
  public SpanData toSpanData() {
    return new DelegatingSpanData(span.toSpanData()) {
      @Override
      public SpanContext getSpanContext() {
        return context;
      }
    };
  }

  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return span.getInstrumentationLibraryInfo();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return span.getInstrumentationScopeInfo();
  }

  @Override
  public boolean hasEnded() {
    return span.hasEnded();
  }

  @Override
  public long getLatencyNanos() {
    return span.getLatencyNanos();
  }

  @Override
  public SpanKind getKind() {
    return span.getKind();
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return span.getAttribute(key);
  }

  @Override
  public Attributes getAttributes() {
    return span.getAttributes();
  }
}
