package io.sightline.instrumentation.apachehttpclient;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.util.Arrays;
import java.util.List;

/**
 * Apache HttpClient 5 (classic) and 4.x: the {@code ProtocolExec} step of the execution chain
 * runs once per physical attempt, after the retry and redirect steps and before the connection
 * is made, so each retry and redirect is its own span and connection failures are seen. The
 * HttpClient 5 async client has the same step ({@code AsyncProtocolExec}); its attempts end in
 * the exec callback, and the application's {@code FutureCallback} runs in the caller's context.
 */
public final class ApacheHttpClientInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "apache-httpclient";

  public ApacheHttpClientInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new ProtocolExec5Instrumentation(), new AsyncProtocolExec5Instrumentation(),
        new AsyncClient5Instrumentation(), new ProtocolExec4Instrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    HttpClientTelemetry telemetry = new HttpClientTelemetry(context.openTelemetry(), NAME);
    ProtocolExecHook exec5 = new ProtocolExecHook(telemetry);
    Hooks.register(HookIds.APACHE_HTTPCLIENT5_EXEC, exec5);
    Hooks.register(HookIds.APACHE_HTTPCLIENT5_ASYNC_EXEC, exec5);
    Hooks.register(HookIds.APACHE_HTTPCLIENT5_ASYNC_CALLBACK, AsyncCallbacks.execCallbackHook(telemetry));
    Hooks.register(HookIds.APACHE_HTTPCLIENT5_ASYNC_EXECUTE, AsyncCallbacks.futureCallbackHook());
    Hooks.register(HookIds.APACHE_HTTPCLIENT4_EXEC, new ProtocolExecHook(telemetry));
  }
}
