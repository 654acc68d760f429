package io.sightline.instrumentation.http;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/** One server request in flight: what {@link HttpServerTelemetry#end} needs to finish it. */
public final class ServerRequest {
  final Span span;
  final Context context;
  final long startNanos;
  final String method;
  final String scheme;
  final String requestId;
  volatile String route;
  Scope scope;

  ServerRequest(Span span, Context context, long startNanos, String method, String scheme, String route, String requestId) {
    this.span = span;
    this.context = context;
    this.startNanos = startNanos;
    this.method = method;
    this.scheme = scheme;
    this.route = route;
    this.requestId = requestId;
  }

  public Span span() {
    return span;
  }

  public Context context() {
    return context;
  }

  /** The id to return in the {@code X-Request-ID} response header. */
  public String requestId() {
    return requestId;
  }

  /** Detaches the request's context from the current thread; the span stays open. */
  public void closeScope() {
    Scope s = scope;
    if (s != null) {
      scope = null;
      s.close();
    }
  }
}
