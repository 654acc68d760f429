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

    Last(String key, int resendCount) {
      this.key = key;
      this.resendCount = resendCount;
    }
  }

  private final Map<String, Last> lastByParent = new LinkedHashMap<String, Last>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Last> eldest) {
      return size() > MAX_PARENTS;
    }
  };

  /**
   * Entries held, readable without the lock: only failed calls are remembered, so while nothing
   * fails (the common case) every call skips the lock and the map entirely.
   */
  private volatile int size;

  int resendCount(String parentSpanId, String method, String url) {
    if (size == 0) {
      return 0;
    }
    String key = key(method, url);
    synchronized (this) {
      Last last = lastByParent.get(parentSpanId);
      if (last != null && last.key.equals(key)) {
        return last.resendCount + 1;
      }
      return 0;
    }
  }

  void record(String parentSpanId, String method, String url, int resendCount, boolean failed) {
    if (!failed && size == 0) {
      return;
    }
    synchronized (this) {
      if (failed) {
        lastByParent.put(parentSpanId, new Last(key(method, url), resendCount));
      } else {
        // A success ends the run of retries under this parent.
        lastByParent.remove(parentSpanId);
      }
      size = lastByParent.size();
    }
  }

  private static String key(String method, String url) {
    return method + ' ' + url;
  }

  static boolean isRetryable(int statusCode, Throwable error) {
    return error != null || statusCode == 429 || statusCode >= 500;
  }
}
