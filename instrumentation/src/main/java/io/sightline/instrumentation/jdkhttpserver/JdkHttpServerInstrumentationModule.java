package io.sightline.instrumentation.jdkhttpserver;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import java.util.Collections;
import java.util.List;

/**
 * {@code com.sun.net.httpserver}: every context the JDK server creates gets a {@link
 * TracingFilter} as its first filter, so each exchange is one SERVER span however the
 * application composes handlers and filters.
 */
public final class JdkHttpServerInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "java-http-server";

  public JdkHttpServerInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new ServerImplInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpServerTelemetry telemetry = new HttpServerTelemetry(context.openTelemetry(), NAME);
    Hooks.register(HookIds.JDK_HTTP_SERVER_CREATE_CONTEXT, new ContextCreatedHook(new TracingFilter(telemetry)));
  }
}
