package io.sightline.instrumentation.apachehttpclient;

import io.opentelemetry.context.Context;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.http.ClientCall;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One span per {@code ProtocolExec} run. The attempt number comes from the execution's identity
 * (HttpClient 5 classic and async: the exchange id; 4.x: the execution context): the chain keeps
 * it across its retries and redirects.
 */
final class ProtocolExecHook extends Hook {
  private final HttpClientTelemetry telemetry;
  /** Attempts so far and the parent of the first one, per execution (weak keys). */
  private static final class Execution {
    final Context parent;
    int attempts;

    Execution(Context parent) {
      this.parent = parent;
    }
  }

  private final Map<Object, Execution> executions = Collections.synchronizedMap(new WeakHashMap<>());

  ProtocolExecHook(HttpClientTelemetry telemetry) {
    super(ApacheHttpClientInstrumentationModule.NAME);
    this.telemetry = telemetry;
  }

  @Override
  public Object enter(Object execution, Object method, Object url) {
    Context parent = Context.current();
    int attempt = 0;
    if (execution != null) {
      // Async retries and redirects run on I/O threads: their parent is the first attempt's.
      Context current = parent;
      Execution state = executions.computeIfAbsent(execution, k -> new Execution(current));
      parent = state.parent;
      attempt = state.attempts++;
    }
    if (!HttpClientTelemetry.shouldStart(parent)) {
      return null;
    }
    ClientCall call = telemetry.start(parent, (String) method, (String) url, attempt);
    if (call == null) {
      return null;
    }
    List<String> headers = telemetry.headers(call);
    Object[] state = new Object[1 + headers.size()];
    state[0] = call;
    for (int i = 0; i < headers.size(); i++) {
      state[i + 1] = headers.get(i);
    }
    return state;
  }

  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    if (state instanceof ClientCall) {
      telemetry.end((ClientCall) state, result instanceof Integer ? (Integer) result : -1, thrown);
    }
  }
}
