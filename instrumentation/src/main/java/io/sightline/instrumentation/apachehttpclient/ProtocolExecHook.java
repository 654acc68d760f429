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
 * (HttpClient 5: the exchange id; 4.x: the execution context): the chain keeps it across its
 * retries and redirects.
 */
final class ProtocolExecHook extends Hook {
  private final HttpClientTelemetry telemetry;
  private final Map<Object, int[]> attempts = Collections.synchronizedMap(new WeakHashMap<>());

  ProtocolExecHook(HttpClientTelemetry telemetry) {
    super(ApacheHttpClientInstrumentationModule.NAME);
    this.telemetry = telemetry;
  }

  @Override
  public Object enter(Object execution, Object method, Object url) {
    Context parent = Context.current();
    if (!HttpClientTelemetry.shouldStart(parent)) {
      return null;
    }
    int attempt = 0;
    if (execution != null) {
      int[] count = attempts.computeIfAbsent(execution, k -> new int[1]);
      attempt = count[0]++;
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
