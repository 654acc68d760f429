package io.sightline.instrumentation.servlet;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpServerTelemetry;
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

  ServletInstrumentationModule(String prefix, boolean jakarta, int hookId) {
    super(NAME);
    this.prefix = prefix;
    this.jakarta = jakarta;
    this.hookId = hookId;
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList(prefix + ".http.HttpServletRequest");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new ServletInstrumentation(prefix, jakarta));
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpServerTelemetry telemetry = new HttpServerTelemetry(context.openTelemetry(), NAME);
    Hooks.register(hookId, new ServletEntryHook(prefix, telemetry));
  }
}
