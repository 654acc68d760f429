package io.sightline.agent.records;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/**
 * The SDK as the instrumentations see it, with the tracer provider of the agent's own spans
 * ({@link FlatTracerProvider}) in place of the SDK's; meters, loggers and propagators are the SDK's.
 */
public final class AgentOpenTelemetry implements OpenTelemetry {
  private final OpenTelemetrySdk sdk;
  private final TracerProvider tracers;

  private AgentOpenTelemetry(OpenTelemetrySdk sdk, TracerProvider tracers) {
    this.sdk = sdk;
    this.tracers = tracers;
  }

  /** {@code sdk} with the agent's own spans. */
  public static OpenTelemetry over(OpenTelemetrySdk sdk) {
    TracerProvider tracers = FlatTracerProvider.over(sdk.getSdkTracerProvider());
    return tracers instanceof FlatTracerProvider ? new AgentOpenTelemetry(sdk, tracers) : sdk;
  }

  @Override
  public TracerProvider getTracerProvider() {
    return tracers;
  }

  @Override
  public MeterProvider getMeterProvider() {
    return sdk.getMeterProvider();
  }

  @Override
  public LoggerProvider getLogsBridge() {
    return sdk.getLogsBridge();
  }

  @Override
  public ContextPropagators getPropagators() {
    return sdk.getPropagators();
  }

  @Override
  public String toString() {
    return "AgentOpenTelemetry{" + sdk + "}";
  }
}
