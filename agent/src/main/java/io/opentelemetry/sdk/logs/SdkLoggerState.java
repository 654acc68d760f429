package io.opentelemetry.sdk.logs;

import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.internal.ExceptionAttributeResolver;
import io.opentelemetry.sdk.resources.Resource;
import java.lang.reflect.Field;

/**
 * The logger provider's shared state (processors, clock, limits, resource), as the agent's own log
 * records ({@code io.sightline.agent.records}) need it; in the SDK's package, relocated with it, for
 * the same reason as {@code io.opentelemetry.sdk.trace.SdkTracerState}.
 */
public final class SdkLoggerState {
  private final LoggerSharedState state;

  private SdkLoggerState(LoggerSharedState state) {
    this.state = state;
  }

  /** The state {@code provider} built its loggers from. */
  public static SdkLoggerState of(SdkLoggerProvider provider) throws ReflectiveOperationException {
    Field field = SdkLoggerProvider.class.getDeclaredField("sharedState");
    field.setAccessible(true);
    return new SdkLoggerState((LoggerSharedState) field.get(provider));
  }

  public Resource resource() {
    return state.getResource();
  }

  /** Read for every record builder, as the SDK does: the supplier may answer new limits. */
  public LogLimits logLimits() {
    return state.getLogLimits();
  }

  /** All registered processors, as one. */
  public LogRecordProcessor processor() {
    return state.getLogRecordProcessor();
  }

  /** Whether no processor is registered: the SDK then hands out loggers that do nothing. */
  public boolean noProcessor() {
    return state.getLogRecordProcessor() instanceof NoopLogRecordProcessor;
  }

  public Clock clock() {
    return state.getClock();
  }

  public ExceptionAttributeResolver exceptionAttributes() {
    return state.getExceptionAttributeResolver();
  }

  public boolean hasBeenShutdown() {
    return state.hasBeenShutdown();
  }
}
