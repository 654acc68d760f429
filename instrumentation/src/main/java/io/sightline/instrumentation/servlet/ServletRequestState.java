package io.sightline.instrumentation.servlet;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import io.sightline.instrumentation.http.ServerRequest;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One traced servlet request, kept as a request attribute so that nested filters and servlets,
 * forwards and later dispatches of the same request recognise it and start nothing. Holds the
 * request and response only until the request ends (containers recycle both).
 */
final class ServletRequestState {
  private final HttpServerTelemetry telemetry;
  final ServletApi api;
  final ServerRequest server;
  private final String frameworkPrefix;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Object request;
  private volatile Object response;
  /** What {@code AsyncListener.onError} or {@code onTimeout} reported, for the end. */
  volatile Throwable asyncError;
  /** The framework's route when the request's first dispatch returned with async started. */
  private volatile String routeOfRequest;

  ServletRequestState(HttpServerTelemetry telemetry, ServletApi api, Object request, Object response, ServerRequest server,
      String frameworkPrefix) {
    this.telemetry = telemetry;
    this.api = api;
    this.request = request;
    this.response = response;
    this.server = server;
    this.frameworkPrefix = frameworkPrefix;
  }

  /**
   * A filter or servlet entered again for the same request: nothing new while the request's trace
   * is current (a nested call or a forward, perhaps under the application's own spans); on a thread
   * without it (an async dispatch) the request's context becomes current until that call returns.
   */
  Scope reenter() {
    if (ended.get()) {
      return null;
    }
    String current = Span.current().getSpanContext().getTraceId();
    if (current.equals(server.span().getSpanContext().getTraceId())) {
      return null;
    }
    return server.context().makeCurrent();
  }

  /** The outermost filter or servlet returned (or threw). */
  void serviceExit(Throwable thrown) {
    server.closeScope();
    if (thrown == null) {
      try {
        if (api.isAsyncStarted(request)) {
          // The framework's route as this dispatch matched it: an error dispatch before the async
          // end (Spring's, to /error) would put its own in the request.
          routeOfRequest = frameworkRoute(request);
          api.addAsyncListener(request, new ServletAsyncListener(this));
          return;
        }
      } catch (Throwable t) {
        AgentLog.debug("servlet: cannot follow the async request, ending its span now: " + t);
      }
    }
    end(thrown);
  }

  /** Ends the request once, whichever of service exit or the async listener comes last. */
  void end(Throwable thrown) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    Throwable error = unwrap(thrown);
    Object req = request;
    Object resp = response;
    request = null;
    response = null;
    int status = -1;
    try {
      String route = routeOfRequest != null ? routeOfRequest : frameworkRoute(req);
      if (route != null) {
        telemetry.updateRoute(server, route);
      }
      status = api.status(resp);
      if (error != null && status < 400 && !api.isCommitted(resp)) {
        // The container turns an escaping exception into a 500 once the filter chain has unwound.
        status = 500;
      }
    } catch (Throwable t) {
      AgentLog.debug("servlet: cannot read the response: " + t);
    } finally {
      telemetry.end(server, status, error);
    }
  }

  private String frameworkRoute(Object req) throws Throwable {
    return frameworkPrefix == null ? null
        : ServletRoutes.withFrameworkPattern(frameworkPrefix, api.getAttribute(req, ServletRoutes.SPRING_BEST_MATCHING_PATTERN));
  }

  /**
   * An exception escaped a later dispatch of the request (an async dispatch): kept for the end,
   * unless the async listener reported one already. Some containers (Jetty 12) answer it with an
   * error page and tell no listener.
   */
  void dispatchFailed(Throwable thrown) {
    if (asyncError == null) {
      asyncError = thrown;
    }
  }

  /**
   * Frameworks wrap what the application threw in a {@code ServletException} or a subclass of it
   * (Spring MVC 6 in the first, Spring 5 in its {@code NestedServletException}); the cause is what
   * the user wants to see as {@code error.type}.
   */
  private Throwable unwrap(Throwable thrown) {
    Throwable error = thrown;
    String servletException = api.prefix + ".ServletException";
    for (int i = 0; i < 8 && error != null && error.getCause() != null && isA(error.getClass(), servletException); i++) {
      error = error.getCause();
    }
    return error;
  }

  /** Whether the class is the named one or extends it (Spring 5's {@code NestedServletException}). */
  private static boolean isA(Class<?> type, String className) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }
}
