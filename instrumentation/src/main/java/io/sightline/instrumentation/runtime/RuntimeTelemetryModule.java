package io.sightline.instrumentation.runtime;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.util.Collections;
import java.util.List;

/**
 * JVM runtime metrics under their semantic-convention names ({@code jvm.*}), read from the
 * platform MXBeans by observable instruments: the work happens when a reader collects, never on
 * an application thread. No class is transformed.
 */
public final class RuntimeTelemetryModule extends InstrumentationModule {
  public static final String NAME = "runtime-telemetry";

  public RuntimeTelemetryModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.emptyList();
  }

  @Override
  public void registerHooks(AgentContext context) {
    Meter meter = context.openTelemetry().getMeter("io.sightline." + NAME);
    MemoryMetrics.register(meter);
    GcMetrics.register(meter);
    ThreadMetrics.register(meter);
    CpuMetrics.register(meter);
    ClassMetrics.register(meter);
    ContainerMetrics.register(meter);
  }
}
