package io.sightline.instrumentation.http;

/**
 * The parts of an outgoing request's URL that client spans need, parsed without {@link
 * java.net.URI} (which rejects URLs that clients happily send). {@link #full} has no user-info,
 * no fragment, and sensitive query values redacted.
 */
public final class ClientUrl {
  public final String full;
  public final String host;
  public final int port;
  /** The URL this was parsed from. */
  private final String source;

  private ClientUrl(String source, String full, String host, int port) {
    this.source = source;
    this.full = full;
    this.host = host;
    this.port = port;
  }

  public static ClientUrl parse(String url, QueryRedactor redactor) {
    if (url == null) {
      return new ClientUrl(null, null, null, -1);
    }
    int schemeEnd = url.indexOf("://");
    if (schemeEnd <= 0 || !isScheme(url, schemeEnd)) {
      return new ClientUrl(url, stripFragmentAndRedact(url, redactor), null, -1);
    }
    String scheme = url.substring(0, schemeEnd);
    int authorityStart = schemeEnd + 3;
    int authorityEnd = url.length();
    for (int i = authorityStart; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        authorityEnd = i;
        break;
      }
    }
    String authority = url.substring(authorityStart, authorityEnd);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    String host = authority;
    int port = -1;
    int colon = authority.lastIndexOf(':');
    int bracket = authority.lastIndexOf(']');
    if (colon > bracket) {
      host = authority.substring(0, colon);
      try {
        port = Integer.parseInt(authority.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (port < 0) {
      port = defaultPort(scheme);
    }
    String rest = stripFragmentAndRedact(url.substring(authorityEnd), redactor);
    String full = scheme + "://" + authority + rest;
    return new ClientUrl(url, full, host.isEmpty() ? null : host, port);
  }

  /**
   * The URLs parsed last, so that a service calling the same few endpoints parses each once, not
   * per request (parsing and redacting cost about 0.5 µs, mostly new strings). Direct-mapped by
   * the URL's hash, one URL per slot, the newest wins: bounded whatever the URLs, and a URL that
   * is never repeated (a query string with an id) only costs its slot. Parsed URLs are immutable,
   * so the slots need no synchronisation.
   */
  public static final class Cache {
    private static final int SLOTS = 64;

    private final QueryRedactor redactor;
    private final ClientUrl[] slots = new ClientUrl[SLOTS];

    public Cache(QueryRedactor redactor) {
      this.redactor = redactor;
    }

    public ClientUrl parse(String url) {
      if (url == null) {
        return ClientUrl.parse(null, redactor);
      }
      int slot = url.hashCode() & (SLOTS - 1);
      ClientUrl cached = slots[slot];
      if (cached != null && url.equals(cached.source)) {
        return cached;
      }
      ClientUrl parsed = ClientUrl.parse(url, redactor);
      slots[slot] = parsed;
      return parsed;
    }
  }

  /**
   * Whether the text before the first {@code ://} is a scheme: in a relative URL such as {@code
   * /login?next=https://host/} it is a path and a query, and the URL has no host of its own.
   */
  private static boolean isScheme(String url, int schemeEnd) {
    for (int i = 0; i < schemeEnd; i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#' || c == '&' || c == '=') {
        return false;
      }
    }
    return true;
  }

  private static int defaultPort(String scheme) {
    if ("http".equalsIgnoreCase(scheme)) {
      return 80;
    }
    if ("https".equalsIgnoreCase(scheme)) {
      return 443;
    }
    return -1;
  }

  private static String stripFragmentAndRedact(String rest, QueryRedactor redactor) {
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    int q = rest.indexOf('?');
    if (q < 0) {
      return QueryRedactor.redactPathParameters(rest);
    }
    return QueryRedactor.redactPathParameters(rest.substring(0, q)) + "?" + redactor.redact(rest.substring(q + 1));
  }
}
