package io.sightline.instrumentation.http;

import java.util.Arrays;

/**
 * Redaction of whole URLs carried in a query value: a login page's {@code next=}, an OAuth
 * {@code redirect_uri=} or a tracking link holds another URL whose user-info and sensitive
 * parameters are as secret as the outer URL's, so they get the outer URL's rules: user-info
 * removed (as in {@link ClientUrl}), values of sensitive query and fragment parameters and of path
 * parameters replaced by {@link QueryRedactor#REDACTED}. A value may hold the URL as it is
 * ({@code https://...}) or percent-encoded ({@code https%3A%2F%2F...}); the edits are made on the
 * original text, so whatever is not secret stays exactly as it was sent, encoding included.
 *
 * <p>Only reached when {@link #mayHoldUrl} found {@code ://} or {@code %3A%2F%2F} in the query,
 * so a query without a URL in it costs two scans and no allocation.
 */
final class NestedUrls {
  /**
   * URLs in URLs in URLs: a value holding a URL nested deeper than this is replaced whole, so a crafted
   * query cannot make the recursion deep and nothing is left unredacted past the limit.
   */
  private static final int MAX_DEPTH = 4;
  private static final String SEPARATOR = "://";
  private static final String ENCODED_SEPARATOR = "%3A%2F%2F";

  private NestedUrls() {}

  /** Whether {@code text} may hold a URL, plain or percent-encoded (cheap: no allocation). */
  static boolean mayHoldUrl(String text) {
    return holdsUrl(text, 0, text.length());
  }

  private static boolean holdsUrl(String text, int from, int to) {
    int sep = text.indexOf(SEPARATOR, from);
    if (sep >= 0 && sep + SEPARATOR.length() <= to) {
      return true;
    }
    return holdsEncodedUrl(text, from, to);
  }

  private static boolean holdsEncodedUrl(String text, int from, int to) {
    int last = to - ENCODED_SEPARATOR.length();
    for (int i = text.indexOf('%', from); i >= 0 && i <= last; i = text.indexOf('%', i + 1)) {
      if (text.regionMatches(true, i, ENCODED_SEPARATOR, 0, ENCODED_SEPARATOR.length())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The value {@code query[from, to)} with the secrets of the URLs in it hidden; null when it
   * holds none (the caller then keeps the value as it is).
   */
  static String redact(QueryRedactor redactor, String query, int from, int to) {
    if (!holdsUrl(query, from, to)) {
      return null;
    }
    String value = query.substring(from, to);
    Edits edits = new Edits();
    redactValue(redactor, new View(value, null), 0, value.length(), edits, 0);
    return edits.count == 0 ? null : edits.applyTo(value);
  }

  /** A value holding URLs: scanned as it is when it has {@code ://}, else once decoded. */
  private static void redactValue(QueryRedactor redactor, View view, int from, int to, Edits edits, int depth) {
    int sep = view.text.indexOf(SEPARATOR, from);
    if (sep >= 0 && sep + SEPARATOR.length() <= to) {
      scanUrls(redactor, view, from, to, edits, depth);
    } else if (holdsEncodedUrl(view.text, from, to)) {
      View decoded = view.decode(from, to);
      scanUrls(redactor, decoded, 0, decoded.text.length(), edits, depth);
    }
  }

  private static void scanUrls(QueryRedactor redactor, View view, int from, int to, Edits edits, int depth) {
    String text = view.text;
    int at = from;
    while (at < to) {
      int sep = text.indexOf(SEPARATOR, at);
      if (sep < 0 || sep + SEPARATOR.length() > to) {
        return;
      }
      int schemeStart = sep;
      while (schemeStart > from && isSchemeChar(text.charAt(schemeStart - 1))) {
        schemeStart--;
      }
      int authorityStart = sep + SEPARATOR.length();
      if (schemeStart == sep) {
        at = authorityStart;
        continue;
      }
      int end = endOfUrl(text, authorityStart, to);
      int authorityEnd = indexOfAny(text, authorityStart, end, "/?#");
      for (int i = authorityEnd - 1; i >= authorityStart; i--) {
        if (text.charAt(i) == '@') {
          edits.delete(view.origin(authorityStart), view.origin(i + 1));
          break;
        }
      }
      int pathEnd = indexOfAny(text, authorityEnd, end, "?#");
      redactPathParameters(view, authorityEnd, pathEnd, edits);
      if (pathEnd < end && text.charAt(pathEnd) == '?') {
        int queryEnd = indexOfAny(text, pathEnd + 1, end, "#");
        redactParameters(redactor, view, pathEnd + 1, queryEnd, edits, depth);
        pathEnd = queryEnd;
      }
      if (pathEnd < end) {
        // A fragment can hold parameters too: the OAuth implicit flow returns #access_token=...
        redactParameters(redactor, view, pathEnd + 1, end, edits, depth);
      }
      at = end;
    }
  }

  private static void redactPathParameters(View view, int from, int to, Edits edits) {
    String text = view.text;
    int semicolon = indexOfAny(text, from, to, ";");
    while (semicolon < to) {
      int end = indexOfAny(text, semicolon + 1, to, "/;");
      int eq = indexOfAny(text, semicolon + 1, end, "=");
      if (eq < end) {
        edits.replace(view.origin(eq + 1), view.origin(end));
      }
      semicolon = indexOfAny(text, end, to, ";");
    }
  }

  private static void redactParameters(QueryRedactor redactor, View view, int from, int to, Edits edits, int depth) {
    String text = view.text;
    int start = from;
    while (start < to) {
      int end = indexOfAny(text, start, to, "&");
      int eq = indexOfAny(text, start, end, "=");
      if (eq < end) {
        if (redactor.isSensitive(text, start, eq)) {
          edits.replace(view.origin(eq + 1), view.origin(end));
        } else if (holdsUrl(text, eq + 1, end)) {
          if (depth + 1 >= MAX_DEPTH) {
            edits.replace(view.origin(eq + 1), view.origin(end));
          } else {
            redactValue(redactor, view, eq + 1, end, edits, depth + 1);
          }
        }
      }
      start = end + 1;
    }
  }

  /** A URL in free text ends at white space or a quote or angle bracket around it. */
  private static int endOfUrl(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>') {
        return i;
      }
    }
    return to;
  }

  private static int indexOfAny(String text, int from, int to, String chars) {
    for (int i = from; i < to; i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return to;
  }

  /** RFC 3986: {@code scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}. */
  private static boolean isSchemeChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  }

  /**
   * Text to scan, with where each of its characters starts in the original value: a decoded
   * view's {@code %3A} is one character standing for three, and edits must land on the original.
   */
  private static final class View {
    final String text;
    /** Original offset of each character, plus one for the end; null when the text is the original. */
    private final int[] origin;

    View(String text, int[] origin) {
      this.text = text;
      this.origin = origin;
    }

    int origin(int index) {
      return origin == null ? index : origin[index];
    }

    /** {@code text[from, to)} with its percent-escapes decoded, leniently (a bad escape stays). */
    View decode(int from, int to) {
      StringBuilder decoded = new StringBuilder(to - from);
      int[] offsets = new int[to - from + 1];
      int n = 0;
      for (int i = from; i < to; ) {
        offsets[n++] = origin(i);
        char c = text.charAt(i);
        int high = i + 2 < to ? Character.digit(text.charAt(i + 1), 16) : -1;
        int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
        if (c == '%' && low >= 0) {
          decoded.append((char) (high * 16 + low));
          i += 3;
        } else {
          decoded.append(c);
          i++;
        }
      }
      offsets[n] = origin(to);
      return new View(decoded.toString(), offsets);
    }
  }

  /**
   * Ranges of the original value to drop or replace, in order: the scan goes left to right and
   * never edits a range twice.
   */
  private static final class Edits {
    private int[] starts = new int[4];
    private int[] ends = new int[4];
    private boolean[] replaced = new boolean[4];
    int count;

    void delete(int start, int end) {
      add(start, end, false);
    }

    void replace(int start, int end) {
      add(start, end, true);
    }

    private void add(int start, int end, boolean replace) {
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
        replaced = Arrays.copyOf(replaced, count * 2);
      }
      starts[count] = start;
      ends[count] = end;
      replaced[count] = replace;
      count++;
    }

    String applyTo(String value) {
      StringBuilder out = new StringBuilder(value.length());
      int copied = 0;
      for (int i = 0; i < count; i++) {
        out.append(value, copied, starts[i]);
        if (replaced[i]) {
          out.append(QueryRedactor.REDACTED);
        }
        copied = ends[i];
      }
      return out.append(value, copied, value.length()).toString();
    }
  }
}
