package io.sightline.instrumentation.urlconnection;

import io.opentelemetry.context.Context;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.http.ClientCall;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.net.HttpURLConnection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One hook per step. The first step on a connection starts its span (kept in a weak map: no
 * field is added to the JDK class); {@code getInputStream} ends it. A per-thread depth counter
 * makes the steps that call each other inside the JDK ({@code getInputStream} connects,
 * {@code getResponseCode} reads the input stream, the https delegate) count once.
 */
final class UrlConnectionHook extends Hook {
  enum Step { CONNECT, OUTPUT, INPUT }

  /** Open calls per connection. */
  static final class Calls {
    final Map<Object, ClientCall> byConnection = Collections.synchronizedMap(new WeakHashMap<>());
  }

  private static final Object NESTED = new Object();
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final HttpClientTelemetry telemetry;
  private final Calls calls;
  private final Step step;

  UrlConnectionHook(HttpClientTelemetry telemetry, Calls calls, Step step) {
    super(UrlConnectionInstrumentationModule.NAME);
    this.telemetry = telemetry;
    this.calls = calls;
    this.step = step;
  }

  @Override
  public Object enter(Object self, Object arg0, Object arg1) {
    int[] depth = DEPTH.get();
    if (depth[0]++ > 0) {
      return NESTED;
    }
    if (!(self instanceof HttpURLConnection)) {
      return NESTED;
    }
    HttpURLConnection connection = (HttpURLConnection) self;
    ClientCall call = calls.byConnection.get(connection);
    if (call != null) {
      return call.isEnded() ? NESTED : call;
    }
    Context parent = Context.current();
    if (!HttpClientTelemetry.shouldStart(parent)) {
      return NESTED;
    }
    call = telemetry.start(parent, connection.getRequestMethod(), String.valueOf(connection.getURL()), 0);
    if (call == null) {
      return NESTED;
    }
    List<String> headers = telemetry.headers(call);
    try {
      for (int i = 0; i + 1 < headers.size(); i += 2) {
        connection.setRequestProperty(headers.get(i), headers.get(i + 1));
      }
    } catch (IllegalStateException alreadyConnected) {
      // connected through a path we do not see: traced, not propagated
    }
    calls.byConnection.put(connection, call);
    return call;
  }

  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    int[] depth = DEPTH.get();
    if (depth[0] > 0) {
      depth[0]--;
    }
    if (!(state instanceof ClientCall)) {
      return;
    }
    ClientCall call = (ClientCall) state;
    if (self instanceof HttpURLConnection) {
      // setDoOutput(true) without setRequestMethod: getOutputStream has made the GET a POST.
      telemetry.updateMethod(call, ((HttpURLConnection) self).getRequestMethod());
    }
    if (step != Step.INPUT) {
      if (thrown != null) {
        telemetry.end(call, -1, thrown);
      }
      return;
    }
    int code = result instanceof Integer ? (Integer) result : -1;
    // 4xx and 5xx make getInputStream throw, with the status known: they are HTTP errors.
    // The ended call stays mapped, so that reading the response again starts nothing.
    telemetry.end(call, code, code >= 100 ? null : thrown);
  }
}
