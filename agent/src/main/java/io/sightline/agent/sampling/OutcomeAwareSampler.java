package io.sightline.agent.sampling;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The configured sampler, except that a local trace it drops is still recorded (not sampled), so
 * that {@link OutcomeBuffer} can export it if its local root ends in error or runs slow. What the
 * configured sampler samples is unchanged, and so is what is propagated: a recorded, unsampled span
 * sends {@code traceparent} with the sampled flag off, as a dropped one does.
 */
final class OutcomeAwareSampler implements Sampler {
  private final Sampler delegate;

  OutcomeAwareSampler(Sampler delegate) {
    this.delegate = delegate;
  }

  @Override
  public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
      Attributes attributes, List<LinkData> parentLinks) {
    SamplingResult result = delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    if (result.getDecision() != SamplingDecision.DROP) {
      return result;
    }
    Span parent = Span.fromContext(parentContext);
    SpanContext parentSpan = parent.getSpanContext();
    if (parentSpan.isValid() && !parentSpan.isRemote() && !parent.isRecording()) {
      // Inside a local trace that is not recorded: nothing to decide at its end.
      return result;
    }
    // A local root (no parent, or a remote one), or a span inside a local trace kept for its outcome.
    return recordOnly(result);
  }

  private static SamplingResult recordOnly(SamplingResult dropped) {
    if (dropped == SamplingResult.drop()) {
      return SamplingResult.recordOnly();
    }
    // Whatever else the configured sampler decided (attributes, trace state) still holds.
    return new SamplingResult() {
      @Override
      public SamplingDecision getDecision() {
        return SamplingDecision.RECORD_ONLY;
      }

      @Override
      public Attributes getAttributes() {
        return dropped.getAttributes();
      }

      @Override
      public TraceState getUpdatedTraceState(TraceState parentTraceState) {
        return dropped.getUpdatedTraceState(parentTraceState);
      }
    };
  }

  @Override
  public String getDescription() {
    return "OutcomeAware{" + delegate.getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
