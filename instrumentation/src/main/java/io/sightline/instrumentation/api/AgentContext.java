package io.sightline.instrumentation.api;

import io.opentelemetry.api.OpenTelemetry;
import java.lang.instrument.Instrumentation;

/** What an {@link InstrumentationModule} gets from the agent when it registers its hooks. */
public interface AgentContext {
  OpenTelemetry openTelemetry();

  Instrumentation instrumentation();
}
