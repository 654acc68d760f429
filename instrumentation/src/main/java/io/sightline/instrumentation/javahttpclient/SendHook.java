package io.sightline.instrumentation.javahttpclient;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.Hook;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.PropagationBarrier;
import io.sightline.instrumentation.api.WeakIdentityMap;
import io.sightline.instrumentation.http.ClientCall;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.lang.ref.WeakReference;
import java.net.http.HttpRequest;
import java.util.List;

/** Starts the CLIENT span and returns {call, the request to send: the caller's with the propagation headers}. */
final class SendHook extends Hook {
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private final HttpClientTelemetry telemetry;
  /** Per client instance: whether the agent owns it. A client is the agent's or the app's, never both. */
  private final WeakIdentityMap<Object, Boolean> agentClients = new WeakIdentityMap<>();
  /**
   * An application's client: most applications share one, and this answers for it
   * without the map's identity hash look-up. Weak, so that a dropped client (and the selector
   * thread the JDK stops with it) is not kept.
   */
  private volatile WeakReference<Object> appClient;

  SendHook(HttpClientTelemetry telemetry) {
    super(JavaHttpClientInstrumentationModule.NAME);
    this.telemetry = telemetry;
  }

  /**
   * Returns {call or null, request to send or null, barrier scope}: the client's internal stages and
   * tasks run without the caller's context ({@link PropagationBarrier}); the span, the headers
   * and the completion in the caller's context ({@link ResultHook}) are all handled here.
   */
  @Override
  public Object enter(Object self, Object arg0, Object arg1) {
    if (!(arg0 instanceof HttpRequest)) {
      return null;
    }
    Context parent = Context.current();
    Scope barrier = PropagationBarrier.enter();
    Object[] state = {null, null, barrier};
    try {
      if (!HttpClientTelemetry.shouldStart(parent) || isAgentClient(self)) {
        return state;
      }
      HttpRequest request = (HttpRequest) arg0;
      ClientCall call = telemetry.start(parent, request.method(), String.valueOf(request.uri()), 0);
      if (call == null) {
        return state;
      }
      state[0] = call;
      try {
        state[1] = PropagatingRequest.of(request, telemetry.headers(call));
      } catch (RuntimeException e) {
        // Headers the client would refuse: send the request untouched, still traced.
        state[1] = null;
      }
      return state;
    } catch (RuntimeException | Error e) {
      barrier.close();
      throw e;
    }
  }

  /** The call has returned (or thrown): the barrier ends. */
  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    if (state != null) {
      ((Scope) ((Object[]) state)[2]).close();
    }
  }

  /** Whether the client belongs to the agent; the stack is walked once per client instance, not per call. */
  private boolean isAgentClient(Object client) {
    if (client == null) {
      return isAgentCall();
    }
    WeakReference<Object> last = appClient;
    if (last != null && last.get() == client) {
      return false;
    }
    Boolean known = agentClients.get(client);
    if (known == null) {
      known = isAgentCall();
      agentClients.put(client, known);
    }
    if (!known && (last == null || last.get() == null)) {
      // The first client stays until it is collected: an application alternating between clients
      // must not create a weak reference per call.
      appClient = new WeakReference<>(client);
    }
    return known;
  }

  /**
   * Whether the agent itself makes this call. The OTLP exporter sends from its own executor
   * threads, where the suppressed context of the export follows only while the executors
   * instrumentation is on ({@code otel.instrumentation.executors.enabled=false} turns it off), so
   * the context alone cannot tell: the first calling frame outside the JDK client (and this hook)
   * can. ContextPropagationIT.agentExportsAreNeverTraced fails without this check when executors
   * are off.
   */
  private static boolean isAgentCall() {
    ClassLoader agentLoader = SendHook.class.getClassLoader();
    return WALKER.walk(frames -> frames
        .map(StackWalker.StackFrame::getDeclaringClass)
        .filter(c -> c != SendHook.class && c != Hooks.class
            && !c.getName().startsWith("jdk.internal.net.http.") && !c.getName().startsWith("java.net.http."))
        .findFirst()
        .map(c -> c.getClassLoader() == agentLoader)
        .orElse(false));
  }
}
