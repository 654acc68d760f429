package io.sightline.instrumentation.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recognises retries made by application code, which a client library cannot see: an attempt is a
 * resend when the previous CLIENT span under the same parent span had the same method and URL
 * and failed (an exception or a status of 429 or 5xx). Bounded: the newest parents only.
 */
final class AppRetries {
  private static final int MAX_PARENTS = 1024;

  private static final class Last {
    final String key;
    final int resendCount;
    final boolean failed;

    Last(String key, int resendCount, boolean failed) {
      this.key = key;
      this.resendCount = resendCount;
      this.failed = failed;
    }
  }

  private final Map<String, Last> lastByParent = new LinkedHashMap<String, Last>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Last> eldest) {
      return size() > MAX_PARENTS;
    }
  };

  synchronized int resendCount(String parentSpanId, String key) {
    Last last = lastByParent.get(parentSpanId);
    if (last != null && last.failed && last.key.equals(key)) {
      return last.resendCount + 1;
    }
    return 0;
  }

  synchronized void record(String parentSpanId, String key, int resendCount, boolean failed) {
    lastByParent.put(parentSpanId, new Last(key, resendCount, failed));
  }

  static boolean isRetryable(int statusCode, Throwable error) {
    return error != null || statusCode == 429 || statusCode >= 500;
  }
}
