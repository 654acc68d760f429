package io.sightline.instrumentation.servlet;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Servlet containers (Tomcat, Jetty, Undertow, ...): one SERVER span per HTTP request. The
 * instrumentation {@code servlet} is two modules of the same name, one per API flavour, so that
 * each keeps its own class-loader pre-check; {@code otel.instrumentation.servlet.enabled} switches
 * both.
 */
public abstract class ServletInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "servlet";

  private final String prefix;
  private final boolean jakarta;
  private final int hookId;
  private final int asyncStartHookId;
  private final int asyncRunHookId;

  ServletInstrumentationModule(String prefix, boolean jakarta, int hookId, int asyncStartHookId, int asyncRunHookId) {
    super(NAME);
    this.prefix = prefix;
    this.jakarta = jakarta;
    this.hookId = hookId;
    this.asyncStartHookId = asyncStartHookId;
    this.asyncRunHookId = asyncRunHookId;
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList(prefix + ".http.HttpServletRequest");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new ServletInstrumentation(prefix, jakarta), new AsyncStartInstrumentation(prefix, jakarta));
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpServerTelemetry telemetry = new HttpServerTelemetry(context.openTelemetry(), NAME);
    Hooks.register(hookId, new ServletEntryHook(prefix, telemetry));
    Hooks.register(asyncStartHookId, new AsyncStartHooks.Wrap(asyncRunHookId));
    Hooks.register(asyncRunHookId, new AsyncStartHooks.Run());
  }
}
