package io.sightline.instrumentation.urlconnection;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.util.Collections;
import java.util.List;

/**
 * {@code java.net.HttpURLConnection} (http and https, the JDK implementation): the span starts
 * at the first of {@code connect}, {@code getOutputStream} or {@code getInputStream} (which
 * {@code getResponseCode} and the header getters call) and ends when the response arrives.
 */
public final class UrlConnectionInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "http-url-connection";

  public UrlConnectionInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new HttpUrlConnectionInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpClientTelemetry telemetry = new HttpClientTelemetry(context.openTelemetry(), NAME);
    UrlConnectionHook.Calls calls = new UrlConnectionHook.Calls();
    Hooks.register(HookIds.URL_CONNECTION_CONNECT, new UrlConnectionHook(telemetry, calls, UrlConnectionHook.Step.CONNECT));
    Hooks.register(HookIds.URL_CONNECTION_OUTPUT, new UrlConnectionHook(telemetry, calls, UrlConnectionHook.Step.OUTPUT));
    Hooks.register(HookIds.URL_CONNECTION_INPUT, new UrlConnectionHook(telemetry, calls, UrlConnectionHook.Step.INPUT));
  }
}
