package io.sightline.instrumentation.http;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Attribute keys of the stable OpenTelemetry semantic conventions, created once. (The semconv
 * artifact is not bundled: these few constants are all the agent needs.)
 */
public final class SemanticAttributes {
  public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  public static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  public static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  public static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");
  public static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("request.id");

  /** The default histogram boundaries of PRODUCT.md, in seconds. */
  public static final List<Double> DURATION_BUCKETS = Collections.unmodifiableList(Arrays.asList(
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0));

  /** Known HTTP methods; anything else is recorded as {@code _OTHER} to bound cardinality. */
  public static String normalizeMethod(String method) {
    if (method == null) {
      return "_OTHER";
    }
    switch (method) {
      case "GET":
      case "POST":
      case "PUT":
      case "DELETE":
      case "PATCH":
      case "HEAD":
      case "OPTIONS":
      case "TRACE":
      case "CONNECT":
        return method;
      default:
        return "_OTHER";
    }
  }

  private static final Long[] STATUS_CODES = new Long[500];

  static {
    for (int i = 0; i < STATUS_CODES.length; i++) {
      STATUS_CODES[i] = (long) (100 + i);
    }
  }

  /**
   * {@code http.response.status_code} as the attribute's value: the codes from 100 to 599 are
   * boxed once, not for every span (the API's {@code setAttribute(key, int)} boxes each time).
   */
  public static Long statusCode(int code) {
    return code >= 100 && code < 600 ? STATUS_CODES[code - 100] : Long.valueOf(code);
  }

  /**
   * {@code network.protocol.version} from a request's protocol ({@code HTTP/1.1} gives {@code
   * 1.1}); the usual versions as constants, not a new string per request. Null when it is not
   * HTTP.
   */
  public static String protocolVersion(String protocol) {
    if (protocol == null) {
      return null;
    }
    switch (protocol) {
      case "HTTP/1.1":
        return "1.1";
      case "HTTP/1.0":
        return "1.0";
      case "HTTP/2.0":
        return "2.0";
      case "HTTP/2":
        return "2";
      default:
        return protocol.startsWith("HTTP/") ? protocol.substring(5) : null;
    }
  }

  private SemanticAttributes() {}
}
