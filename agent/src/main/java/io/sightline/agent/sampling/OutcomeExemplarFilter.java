package io.sightline.agent.sampling;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.metrics.internal.exemplar.ExemplarFilterInternal;

/**
 * {@code trace_based}, plus the traces kept for their outcome: a measurement is offered as an
 * exemplar when its span is sampled, or when its trace was dropped by the sampler and then kept
 * because the local root ended in error or ran slow. The server instrumentations record the
 * request's duration just after the SERVER span (the local root) ends, so a failed request's
 * exemplar leads to its exported trace even at a low sampling ratio. Measurements taken before
 * the root ends (database and client durations) stay without one: their trace is not decided
 * yet, and an exemplar must not point at a trace that is never exported.
 *
 * <p>This implements the SDK's internal interface (the public one has no methods to implement);
 * the SDK is shaded and pinned with the agent, so it cannot change under us.
 */
final class OutcomeExemplarFilter implements ExemplarFilterInternal {
  private final OutcomeSampling outcomes;

  OutcomeExemplarFilter(OutcomeSampling outcomes) {
    this.outcomes = outcomes;
  }

  @Override
  public boolean shouldSampleMeasurement(long value, Attributes attributes, Context context) {
    return offered(context);
  }

  @Override
  public boolean shouldSampleMeasurement(double value, Attributes attributes, Context context) {
    return offered(context);
  }

  private boolean offered(Context context) {
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (span.isSampled()) {
      return true;
    }
    return span.isValid() && outcomes.keptForOutcome(span.getTraceId());
  }

  @Override
  public String toString() {
    return "OutcomeExemplarFilter{trace_based, and traces kept for their outcome}";
  }
}
