package io.sightline.agent.records;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/**
 * The SDK as the instrumentations see it, with the providers of the agent's own spans
 * ({@link FlatTracerProvider}) and log records ({@link FlatLoggerProvider}) in place of the SDK's;
 * meters and propagators are the SDK's.
 */
public final class AgentOpenTelemetry implements OpenTelemetry {
  private final OpenTelemetrySdk sdk;
  private final TracerProvider tracers;
  private final LoggerProvider logs;

  private AgentOpenTelemetry(OpenTelemetrySdk sdk, TracerProvider tracers, LoggerProvider logs) {
    this.sdk = sdk;
    this.tracers = tracers;
    this.logs = logs;
  }

  /** {@code sdk} with the agent's own spans and log records. */
  public static OpenTelemetry over(OpenTelemetrySdk sdk) {
    return new AgentOpenTelemetry(sdk, FlatTracerProvider.over(sdk.getSdkTracerProvider()),
        FlatLoggerProvider.over(sdk.getSdkLoggerProvider()));
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
    return logs;
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
