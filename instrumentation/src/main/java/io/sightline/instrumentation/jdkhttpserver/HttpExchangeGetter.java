package io.sightline.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.sightline.instrumentation.http.HostHeader;
import io.sightline.instrumentation.http.HttpServerRequestGetter;
import io.sightline.instrumentation.http.PeerAddresses;
import io.sightline.instrumentation.http.SemanticAttributes;
import java.net.InetSocketAddress;

enum HttpExchangeGetter implements HttpServerRequestGetter<HttpExchange> {
  INSTANCE;

  @Override
  public String get(HttpExchange exchange, String key) {
    return exchange == null ? null : exchange.getRequestHeaders().getFirst(key);
  }

  @Override
  public Iterable<String> keys(HttpExchange exchange) {
    return exchange.getRequestHeaders().keySet();
  }

  @Override
  public String method(HttpExchange exchange) {
    return exchange.getRequestMethod();
  }

  @Override
  public String scheme(HttpExchange exchange) {
    return exchange instanceof HttpsExchange ? "https" : "http";
  }

  @Override
  public String path(HttpExchange exchange) {
    String path = exchange.getRequestURI().getRawPath();
    return path == null || path.isEmpty() ? "/" : path;
  }

  @Override
  public String query(HttpExchange exchange) {
    return exchange.getRequestURI().getRawQuery();
  }

  @Override
  public String serverAddress(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host != null && !host.isEmpty()) {
      return HostHeader.host(host);
    }
    InetSocketAddress local = exchange.getLocalAddress();
    return local == null ? null : local.getHostString();
  }

  @Override
  public int serverPort(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host != null && !host.isEmpty()) {
      int port = HostHeader.port(host);
      return port > 0 ? port : ("https".equals(scheme(exchange)) ? 443 : 80);
    }
    InetSocketAddress local = exchange.getLocalAddress();
    return local == null ? -1 : local.getPort();
  }

  @Override
  public String clientAddress(HttpExchange exchange) {
    InetSocketAddress remote = exchange.getRemoteAddress();
    if (remote == null) {
      return null;
    }
    return remote.getAddress() != null ? PeerAddresses.text(remote.getAddress()) : remote.getHostString();
  }

  @Override
  public String protocolVersion(HttpExchange exchange) {
    return SemanticAttributes.protocolVersion(exchange.getProtocol());
  }
}
