package io.sightline.instrumentation.servlet;

import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import io.sightline.instrumentation.http.RequestIds;
import io.sightline.instrumentation.http.ServerRequest;

/**
 * Behind {@code Filter.doFilter} and {@code Servlet.service}: the first of them to see a request
 * starts its SERVER span and marks the request with an attribute; every nested, forwarded or
 * re-dispatched call of the same request sees the mark and starts nothing.
 */
final class ServletEntryHook extends Hook {
  static final String STATE_ATTRIBUTE = "io.sightline.servlet.request";

  private final String prefix;
  private final HttpServerTelemetry telemetry;

  ServletEntryHook(String prefix, HttpServerTelemetry telemetry) {
    super(ServletInstrumentationModule.NAME);
    this.prefix = prefix;
    this.telemetry = telemetry;
  }

  @Override
  public Object enter(Object self, Object request, Object response) {
    ServletApi api = ServletApi.of(prefix, request);
    if (api == null || !api.isResponse(response)) {
      return null; // not HTTP
    }
    try {
      Object existing = api.getAttribute(request, STATE_ATTRIBUTE);
      if (existing instanceof ServletRequestState) {
        ServletRequestState state = (ServletRequestState) existing;
        Scope scope = state.reenter();
        return scope == null ? null : new Redispatch(state, scope);
      }
      ServletExchange exchange = new ServletExchange(api, request);
      ServerRequest server = telemetry.start(exchange, ServletRequestGetter.INSTANCE);
      ServletRequestState state = new ServletRequestState(telemetry, api, request, response, server, exchange.frameworkPrefix);
      try {
        api.setAttribute(request, STATE_ATTRIBUTE, state);
        // Now, while the response cannot be committed yet.
        api.setHeader(response, RequestIds.HEADER, server.requestId());
      } catch (Throwable t) {
        state.end(null);
        throw t;
      }
      return state;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    if (state instanceof ServletRequestState) {
      ((ServletRequestState) state).serviceExit(thrown);
    } else if (state instanceof Redispatch) {
      Redispatch redispatch = (Redispatch) state;
      redispatch.scope.close();
      if (thrown != null) {
        redispatch.request.dispatchFailed(thrown);
      }
    }
  }

  /** A later dispatch of a traced request (an async dispatch) on a thread without its context. */
  private static final class Redispatch {
    final ServletRequestState request;
    final Scope scope;

    Redispatch(ServletRequestState request, Scope scope) {
      this.request = request;
      this.scope = scope;
    }
  }
}
