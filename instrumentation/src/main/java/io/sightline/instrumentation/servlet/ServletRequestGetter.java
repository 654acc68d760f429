package io.sightline.instrumentation.servlet;

import io.sightline.instrumentation.http.SemanticAttributes;
import io.sightline.instrumentation.http.HttpServerRequestGetter;

/**
 * Reads a servlet request for {@link io.sightline.instrumentation.http.HttpServerTelemetry}.
 * The servlet API methods do not throw; should a container's do, the error goes to the hook,
 * which is then reported and disabled.
 */
enum ServletRequestGetter implements HttpServerRequestGetter<ServletExchange> {
  INSTANCE;

  @Override
  public String get(ServletExchange exchange, String key) {
    if (exchange == null) {
      return null;
    }
    try {
      return exchange.api.header(exchange.request, key);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public Iterable<String> keys(ServletExchange exchange) {
    try {
      return exchange.api.headerNames(exchange.request);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String method(ServletExchange exchange) {
    try {
      return exchange.api.method(exchange.request);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String scheme(ServletExchange exchange) {
    try {
      return exchange.api.scheme(exchange.request);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String path(ServletExchange exchange) {
    try {
      String uri = exchange.errorDispatchUri != null ? exchange.errorDispatchUri
          : exchange.api.requestUri(exchange.request);
      return uri == null || uri.isEmpty() ? "/" : uri;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String query(ServletExchange exchange) {
    try {
      return exchange.api.queryString(exchange.request);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String serverAddress(ServletExchange exchange) {
    try {
      String name = exchange.api.serverName(exchange.request);
      // Containers answer an IPv6 Host as written ([::1]); the attribute is the bare address.
      return name != null && name.length() > 2 && name.charAt(0) == '[' && name.charAt(name.length() - 1) == ']'
          ? name.substring(1, name.length() - 1) : name;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public int serverPort(ServletExchange exchange) {
    try {
      return exchange.api.serverPort(exchange.request);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String clientAddress(ServletExchange exchange) {
    try {
      return exchange.api.remoteAddr(exchange.request);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String protocolVersion(ServletExchange exchange) {
    try {
      return SemanticAttributes.protocolVersion(exchange.api.protocol(exchange.request));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public String route(ServletExchange exchange) {
    return exchange.route;
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException) {
      return (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    return new IllegalStateException(t);
  }
}
