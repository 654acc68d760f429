package io.sightline.instrumentation.okhttp;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.util.Arrays;
import java.util.List;

/**
 * OkHttp 3, 4 and 5. Every client gets a network interceptor (a {@link java.lang.reflect.Proxy}
 * of {@code okhttp3.Interceptor}: the agent cannot define classes in the application's loader),
 * which OkHttp runs once per physical attempt, after its own retry and redirect loop. The call
 * itself ({@code RealCall}) carries the caller's context to the dispatcher thread for
 * {@code enqueue}, counts attempts, and reports failures that happen before any attempt reaches
 * the network (connection refused, DNS).
 */
public final class OkHttpInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "okhttp";

  public OkHttpInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<String> requiredClassNames() {
    return Arrays.asList("okhttp3.OkHttpClient", "okhttp3.Interceptor");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new OkHttpClientInstrumentation(), new RealCallInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpClientTelemetry telemetry = new HttpClientTelemetry(context.openTelemetry(), NAME);
    OkHttpTracing tracing = new OkHttpTracing(telemetry);
    Hooks.register(HookIds.OKHTTP_CLIENT_BUILD, tracing.clientBuildHook());
    Hooks.register(HookIds.OKHTTP_CALL_CHAIN, tracing.callChainHook());
    Hooks.register(HookIds.OKHTTP_ENQUEUE, tracing.enqueueHook());
  }
}
