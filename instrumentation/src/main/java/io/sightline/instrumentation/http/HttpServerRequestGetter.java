package io.sightline.instrumentation.http;

import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Collections;

/** Reads what {@link HttpServerTelemetry} needs from one server's request type. */
public interface HttpServerRequestGetter<C> extends TextMapGetter<C> {
  String method(C request);

  String scheme(C request);

  String path(C request);

  /** The raw query string without {@code ?}, or null. */
  String query(C request);

  /** The host the client addressed (Host header), or null. */
  String serverAddress(C request);

  /** The port the client addressed, or -1. */
  int serverPort(C request);

  String clientAddress(C request);

  /** {@code 1.0}, {@code 1.1}, {@code 2}; null when unknown. */
  String protocolVersion(C request);

  /** The framework's route template when it is already known at the start, else null. */
  default String route(C request) {
    return null;
  }

  @Override
  default Iterable<String> keys(C request) {
    return Collections.emptyList();
  }
}
