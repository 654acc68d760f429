package io.sightline.instrumentation.javahttpclient;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.util.Collections;
import java.util.List;

/**
 * {@code java.net.http.HttpClient}: {@code send} and {@code sendAsync} (HTTP/1.1 and h2) all go
 * through one private {@code sendAsync} of {@code jdk.internal.net.http.HttpClientImpl}, which
 * gets a CLIENT span per call. The agent's own OTLP exporter uses this client, under suppression.
 */
public final class JavaHttpClientInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "java-http-client";

  public JavaHttpClientInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new HttpClientImplInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpClientTelemetry telemetry = new HttpClientTelemetry(context.openTelemetry(), NAME);
    Hooks.register(HookIds.JAVA_HTTP_CLIENT_SEND, new SendHook(telemetry));
    Hooks.register(HookIds.JAVA_HTTP_CLIENT_RESULT, new ResultHook(telemetry));
  }
}
