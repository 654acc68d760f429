package io.sightline.instrumentation.http;

/**
 * Turns a raw request path into a low-cardinality route for servers that have no route template
 * of their own: segments that look like identifiers (numbers, UUIDs, hex hashes, long opaque
 * tokens) become {@code {id}}. {@code /users/98765/orders} becomes {@code /users/{id}/orders}.
 */
public final class RouteNormalizer {
  static final String ID = "{id}";
  /** Paths deeper than this are cut, so a crawler cannot mint unbounded routes. */
  static final int MAX_SEGMENTS = 12;

  private RouteNormalizer() {}

  public static String normalize(String path) {
    if (path == null || path.isEmpty() || "/".equals(path)) {
      return "/";
    }
    StringBuilder out = null;
    int segments = 0;
    int start = path.charAt(0) == '/' ? 1 : 0;
    int length = path.length();
    while (start <= length) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = length;
      }
      segments++;
      boolean id = end > start && isIdentifier(path, start, end);
      if ((id || segments > MAX_SEGMENTS) && out == null) {
        out = new StringBuilder(length);
        out.append(path, 0, start);
      }
      if (segments > MAX_SEGMENTS) {
        out.append("{rest}");
        return out.toString();
      }
      if (out != null) {
        if (id) {
          out.append(ID);
        } else {
          out.append(path, start, end);
        }
        if (end < length) {
          out.append('/');
        }
      }
      if (end == length) {
        break;
      }
      start = end + 1;
    }
    return out == null ? path : out.toString();
  }

  static boolean isIdentifier(String s, int start, int end) {
    int len = end - start;
    int digits = 0;
    int hex = 0;
    int letters = 0;
    int dashes = 0;
    int other = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        hex++;
      } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        hex++;
        letters++;
      } else if ((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z')) {
        letters++;
      } else if (c == '-') {
        dashes++;
      } else {
        other++;
      }
    }
    if (digits == len) {
      return true; // 98765
    }
    if (len == 36 && dashes == 4 && hex == 32 && isUuidShape(s, start)) {
      return true; // 123e4567-e89b-12d3-a456-426614174000
    }
    if (len >= 8 && hex == len && digits > 0) {
      return true; // hex hash or object id: 5f2b8c1e, sha1, sha256
    }
    if (len >= 16 && digits > 0 && letters > 0) {
      return true; // long opaque token: base64, JWT piece, session id
    }
    if (len > 40) {
      return true; // anything this long is data, not a route
    }
    // mostly digits, a short prefix: ord-98765, 2024-11-26
    return digits >= 4 && digits * 2 >= len && other == 0;
  }

  private static boolean isUuidShape(String s, int start) {
    return s.charAt(start + 8) == '-' && s.charAt(start + 13) == '-' && s.charAt(start + 18) == '-'
        && s.charAt(start + 23) == '-';
  }
}
