package io.opentelemetry.sdk.trace;

import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.internal.ExceptionAttributeResolver;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.reflect.Field;

/**
 * The tracer provider's shared state (sampler, processors, ids, clock, limits, resource), as the
 * agent's own spans ({@code io.sightline.agent.records}) need it. It lives in the SDK's package, and
 * is relocated with it, because that state and its getters are package-private; the provider's one
 * private field is read by reflection, once. A change of either in a new SDK version fails
 * {@code FlatSpanTest} (and the agent then keeps the SDK's spans, see {@code FlatTracerProvider}).
 */
public final class SdkTracerState {
  private final TracerSharedState state;

  private SdkTracerState(TracerSharedState state) {
    this.state = state;
  }

  /** The state {@code provider} built its tracers from. */
  public static SdkTracerState of(SdkTracerProvider provider) throws ReflectiveOperationException {
    Field field = SdkTracerProvider.class.getDeclaredField("sharedState");
    field.setAccessible(true);
    return new SdkTracerState((TracerSharedState) field.get(provider));
  }

  public Clock clock() {
    return state.getClock();
  }

  public IdGenerator idGenerator() {
    return state.getIdGenerator();
  }

  /** Whether the id generator's ids are valid by construction (the SDK's random generator). */
  public boolean idsNeedNoValidation() {
    return state.isIdGeneratorSafeToSkipIdValidation();
  }

  public Resource resource() {
    return state.getResource();
  }

  /** Read for every span builder, as the SDK does: the supplier may answer new limits. */
  public SpanLimits spanLimits() {
    return state.getSpanLimits();
  }

  public Sampler sampler() {
    return state.getSampler();
  }

  /** All registered processors, as one. */
  public SpanProcessor processor() {
    return state.getActiveSpanProcessor();
  }

  public ExceptionAttributeResolver exceptionAttributes() {
    return state.getExceptionAttributesResolver();
  }

  public boolean hasBeenShutdown() {
    return state.hasBeenShutdown();
  }
}
