package io.sightline.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import io.sightline.instrumentation.http.RequestIds;
import io.sightline.instrumentation.http.ServerRequest;
import java.io.IOException;

/** One SERVER span per exchange; never changes what the application's handler sees or throws. */
final class TracingFilter extends Filter {
  private final HttpServerTelemetry telemetry;

  TracingFilter(HttpServerTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public String description() {
    return "Sightline tracing";
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    ServerRequest request = null;
    try {
      request = telemetry.start(exchange, HttpExchangeGetter.INSTANCE);
      exchange.getResponseHeaders().set(RequestIds.HEADER, request.requestId());
    } catch (Throwable t) {
      AgentLog.debug("java-http-server: cannot start span: " + t);
    }
    if (request == null) {
      chain.doFilter(exchange);
      return;
    }
    Throwable error = null;
    try {
      chain.doFilter(exchange);
    } catch (IOException | RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      try {
        telemetry.end(request, exchange.getResponseCode(), error);
      } catch (Throwable t) {
        AgentLog.debug("java-http-server: cannot end span: " + t);
      }
    }
  }
}
