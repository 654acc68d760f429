package io.sightline.instrumentation.http;

import io.sightline.instrumentation.api.Settings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Replaces the values of sensitive query parameters with {@code REDACTED}: a key is sensitive
 * when it contains one of the configured words ({@code sightline.http.sensitive-query-keys}),
 * so {@code api_key}, {@code access_token} and {@code X-Amz-Signature} are all caught. With the
 * default words, short keys that would match too much as parts of words count only as a whole
 * key or a part of one between separators ({@code sig}, {@code pwd}, {@code jwt}, {@code code}:
 * {@code sig} and {@code oauth_code}, not {@code design}). A percent-encoded key is decoded first
 * ({@code pass%77ord} is {@code password}). A URL inside a value ({@code next=https://...},
 * plain or percent-encoded) gets the same rules: its user-info removed, its sensitive values
 * replaced ({@link NestedUrls}).
 */
public final class QueryRedactor {
  public static final String REDACTED = "REDACTED";
  static final List<String> DEFAULT_WORDS =
      Arrays.asList("password", "passwd", "token", "secret", "key", "auth", "session", "signature", "credential");
  /** Matched as whole parts of a key, with the default words only. */
  static final List<String> DEFAULT_WHOLE_WORDS = Arrays.asList("sig", "pwd", "jwt", "code");

  private final String[] words;
  private final String[] wholeWords;

  public QueryRedactor(List<String> words) {
    this(words, List.of());
  }

  QueryRedactor(List<String> words, List<String> wholeWords) {
    this.words = lowerCase(words);
    this.wholeWords = lowerCase(wholeWords);
  }

  private static String[] lowerCase(List<String> words) {
    String[] lower = new String[words.size()];
    for (int i = 0; i < words.size(); i++) {
      lower[i] = words.get(i).toLowerCase(Locale.ROOT);
    }
    return lower;
  }

  public static QueryRedactor fromSettings() {
    List<String> configured = Settings.getList("sightline.http.sensitive-query-keys", null);
    return configured == null ? new QueryRedactor(DEFAULT_WORDS, DEFAULT_WHOLE_WORDS) : new QueryRedactor(configured);
  }

  /**
   * A path with the values of its {@code ;name=value} parameters replaced ({@code ;jsessionid=},
   * a session id in the URL); the same instance when it has none.
   */
  public static String redactPathParameters(String path) {
    if (path == null || path.indexOf(';') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      out.append(c);
      i++;
      if (c == ';') {
        int eq = path.indexOf('=', i);
        int end = endOfParameter(path, i);
        if (eq >= 0 && eq < end) {
          out.append(path, i, eq + 1).append(REDACTED);
          i = end;
        }
      }
    }
    return out.toString();
  }

  private static int endOfParameter(String path, int from) {
    for (int i = from; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/' || c == ';' || c == '?' || c == '#') {
        return i;
      }
    }
    return path.length();
  }

  /**
   * The query with sensitive values replaced, and the user-info and sensitive values of a URL
   * nested in a value hidden ({@link NestedUrls}); the same instance when nothing was sensitive.
   */
  public String redact(String query) {
    if (query == null || query.isEmpty()) {
      return query;
    }
    // Looked for once per query, so that the common query without a URL in it pays two scans.
    boolean mayHoldUrl = NestedUrls.mayHoldUrl(query);
    StringBuilder out = null;
    int start = 0;
    int length = query.length();
    while (start <= length) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      int eq = query.indexOf('=', start);
      String replacement = null;
      if (eq >= 0 && eq < end) {
        if (isSensitive(query, start, eq)) {
          replacement = REDACTED;
        } else if (mayHoldUrl) {
          replacement = NestedUrls.redact(this, query, eq + 1, end);
        }
      }
      if (replacement != null && out == null) {
        out = new StringBuilder(length);
        out.append(query, 0, start);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(query, start, eq + 1).append(replacement);
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

  boolean isSensitive(String query, int start, int end) {
    String key = query.substring(start, end).toLowerCase(Locale.ROOT);
    if (key.indexOf('%') >= 0 || key.indexOf('+') >= 0) {
      key = decode(key);
    }
    for (String word : words) {
      if (key.contains(word)) {
        return true;
      }
    }
    for (String word : wholeWords) {
      for (int at = key.indexOf(word); at >= 0; at = key.indexOf(word, at + 1)) {
        int after = at + word.length();
        if ((at == 0 || !Character.isLetterOrDigit(key.charAt(at - 1)))
            && (after == key.length() || !Character.isLetterOrDigit(key.charAt(after)))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Percent-decoding of a key, leniently: a malformed escape stays as it is. */
  private static String decode(String key) {
    StringBuilder out = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '%' && i + 2 < key.length()
          && Character.digit(key.charAt(i + 1), 16) >= 0 && Character.digit(key.charAt(i + 2), 16) >= 0) {
        out.append((char) Integer.parseInt(key.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.append(c == '+' ? ' ' : c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
