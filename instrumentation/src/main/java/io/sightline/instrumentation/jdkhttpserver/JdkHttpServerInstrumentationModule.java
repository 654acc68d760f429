package io.sightline.instrumentation.jdkhttpserver;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import java.util.List;

/**
 * {@code com.sun.net.httpserver}: every context the JDK server creates gets a {@link
 * TracingFilter} as its first filter, so each exchange is one SERVER span however the
 * application composes handlers and filters. Contexts created before a late attach get it in
 * each exchange's chain instead ({@link FilterChainInstrumentation}).
 */
public final class JdkHttpServerInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "java-http-server";

  public JdkHttpServerInstrumentationModule() {
    super(NAME);
  }

  /**
   * Only where the JDK's server is in the boot layer: a JVM started with a reduced module graph
   * (a tool such as {@code jcmd} under {@code JAVA_TOOL_OPTIONS}, a jlinked or modular application
   * without {@code jdk.httpserver}) cannot load the tracing filter, and has no such server to trace.
   */
  @Override
  public boolean defaultEnabled() {
    return ModuleLayer.boot().findModule("jdk.httpserver").isPresent();
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new ServerImplInstrumentation(), new FilterChainInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpServerTelemetry telemetry = new HttpServerTelemetry(context.openTelemetry(), NAME);
    TracingFilter filter = new TracingFilter(telemetry);
    Hooks.register(HookIds.JDK_HTTP_SERVER_CREATE_CONTEXT, new ContextCreatedHook(filter));
    Hooks.register(HookIds.JDK_HTTP_SERVER_FILTER_CHAIN, new FilterChainHook(filter));
  }
}
