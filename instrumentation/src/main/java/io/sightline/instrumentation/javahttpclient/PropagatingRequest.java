package io.sightline.instrumentation.javahttpclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The application's request as sent: the same in everything but its headers, which also carry the
 * propagation headers (they replace any of the same name). Cheaper than a copy through
 * {@code HttpRequest.newBuilder()}, which checks every header character by character and sorts
 * them twice; the client copies and checks the headers of any request it is given anyway.
 */
final class PropagatingRequest extends HttpRequest {
  private static final BiPredicate<String, String> ALL = (name, value) -> true;

  private final HttpRequest request;
  private final HttpHeaders headers;

  private PropagatingRequest(HttpRequest request, HttpHeaders headers) {
    this.request = request;
    this.headers = headers;
  }

  /**
   * {@code request} with {@code propagation} ({@code name, value, name, value...}) added; a value
   * the client would refuse is left out, so that the call goes as the application made it.
   */
  static HttpRequest of(HttpRequest request, List<String> propagation) {
    Map<String, List<String>> own = request.headers().map();
    Map<String, List<String>> merged = new HashMap<>(own.size() + propagation.size());
    for (Map.Entry<String, List<String>> header : own.entrySet()) {
      if (!named(header.getKey(), propagation)) {
        merged.put(header.getKey(), header.getValue());
      }
    }
    int added = 0;
    for (int i = 0; i + 1 < propagation.size(); i += 2) {
      String value = propagation.get(i + 1);
      if (isValidValue(value)) {
        merged.put(propagation.get(i), Collections.singletonList(value));
        added++;
      }
    }
    if (added == 0) {
      return request;
    }
    return new PropagatingRequest(request, HttpHeaders.of(merged, ALL));
  }

  private static boolean named(String name, List<String> propagation) {
    for (int i = 0; i < propagation.size(); i += 2) {
      if (propagation.get(i).equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** What the client accepts in a header value: visible ASCII, space and tab. */
  static boolean isValidValue(String value) {
    if (value == null) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Optional<BodyPublisher> bodyPublisher() {
    return request.bodyPublisher();
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public Optional<Duration> timeout() {
    return request.timeout();
  }

  @Override
  public boolean expectContinue() {
    return request.expectContinue();
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public Optional<HttpClient.Version> version() {
    return request.version();
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  @Override
  public String toString() {
    return request.toString();
  }
}
