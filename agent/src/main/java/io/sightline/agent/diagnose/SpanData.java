package io.sightline.agent.diagnose;

import java.util.HashMap;
import java.util.Map;

/** One span as read from an OTLP-JSON line, with only the attributes the diagnosis looks at. */
final class SpanData {
  static final int INTERNAL = 1;
  static final int SERVER = 2;
  static final int CLIENT = 3;
  static final int PRODUCER = 4;
  static final int CONSUMER = 5;

  String service = "";
  String traceId = "";
  String spanId = "";
  String parentSpanId = "";
  String name = "";
  int kind;
  long startNanos;
  long endNanos;
  /** {@code status.code} 2 (ERROR). */
  boolean error;
  String statusMessage = "";
  final Map<String, String> attributes = new HashMap<>(8);

  long durationNanos() {
    return Math.max(0, endNanos - startNanos);
  }

  String attribute(String key) {
    return attributes.get(key);
  }

  /** The first of the given attributes that is set (current semantic-convention name first, then older ones). */
  String attribute(String key, String fallback) {
    String value = attributes.get(key);
    return value != null ? value : attributes.get(fallback);
  }

  boolean failed() {
    return error || attributes.containsKey("error.type");
  }

  /** A failure whose error type or message says timeout (HttpTimeoutException, SocketTimeoutException, "Read timed out"). */
  boolean timedOut() {
    if (!failed()) {
      return false;
    }
    return mentionsTimeout(attributes.get("error.type")) || mentionsTimeout(statusMessage)
        || mentionsTimeout(attributes.get("exception.type")) || mentionsTimeout(attributes.get("exception.message"));
  }

  private static boolean mentionsTimeout(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("timeout") || lower.contains("timed out") || lower.contains("timedout");
  }
}
