package io.sightline.instrumentation.javahttpclient;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.api.PropagationBarrier;
import io.sightline.instrumentation.http.ClientCall;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.net.http.HttpRequest;

/** Starts the CLIENT span and returns {call, the request to send: the caller's with the propagation headers}. */
final class SendHook extends Hook {
  private final HttpClientTelemetry telemetry;

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
      if (!HttpClientTelemetry.shouldStart(parent)) {
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
}
