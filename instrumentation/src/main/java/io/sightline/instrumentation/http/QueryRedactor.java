package io.sightline.instrumentation.http;

import io.sightline.instrumentation.api.Settings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Replaces the values of sensitive query parameters with {@code REDACTED}: a key is sensitive
 * when it contains one of the configured words ({@code sightline.http.sensitive-query-keys}),
 * so {@code api_key}, {@code access_token} and {@code X-Amz-Signature} are all caught.
 */
public final class QueryRedactor {
  public static final String REDACTED = "REDACTED";
  static final List<String> DEFAULT_WORDS =
      Arrays.asList("password", "passwd", "token", "secret", "key", "auth", "session", "signature", "credential");

  private final String[] words;

  public QueryRedactor(List<String> words) {
    this.words = new String[words.size()];
    for (int i = 0; i < words.size(); i++) {
      this.words[i] = words.get(i).toLowerCase(Locale.ROOT);
    }
  }

  public static QueryRedactor fromSettings() {
    return new QueryRedactor(Settings.getList("sightline.http.sensitive-query-keys", DEFAULT_WORDS));
  }

  /** The query with sensitive values replaced; the same instance when nothing was sensitive. */
  public String redact(String query) {
    if (query == null || query.isEmpty()) {
      return query;
    }
    StringBuilder out = null;
    int start = 0;
    int length = query.length();
    while (start <= length) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      int eq = query.indexOf('=', start);
      boolean sensitive = eq >= 0 && eq < end && isSensitive(query, start, eq);
      if (sensitive && out == null) {
        out = new StringBuilder(length);
        out.append(query, 0, start);
      }
      if (out != null) {
        if (sensitive) {
          out.append(query, start, eq + 1).append(REDACTED);
        } else {
          out.append(query, start, end);
        }
        if (end < length) {
          out.append('&');
        }
      }
      if (end == length) {
        break;
      }
      start = end + 1;
    }
    return out == null ? query : out.toString();
  }

  private boolean isSensitive(String query, int start, int end) {
    String key = query.substring(start, end).toLowerCase(Locale.ROOT);
    for (String word : words) {
      if (key.contains(word)) {
        return true;
      }
    }
    return false;
  }
}
