package io.sightline.instrumentation.otelapi;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.util.Arrays;
import java.util.List;

/**
 * The application's own {@code io.opentelemetry:opentelemetry-api} (any 1.x), joined to the
 * agent's traces: {@code GlobalOpenTelemetry.get()} returns the agent's tracing behind the
 * application's interfaces, and the application's {@code Context} storage is the agent's. See
 * docs/context-and-api-bridge.md.
 */
public final class OpenTelemetryApiInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "opentelemetry-api";

  public OpenTelemetryApiInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new GlobalOpenTelemetryInstrumentation(), new ContextStorageInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.OPENTELEMETRY_API_GLOBAL_GET, new OpenTelemetryApiHooks.GlobalGet(context.openTelemetry()));
    Hooks.register(HookIds.OPENTELEMETRY_API_STORAGE_GET, new OpenTelemetryApiHooks.StorageGet());
  }
}
