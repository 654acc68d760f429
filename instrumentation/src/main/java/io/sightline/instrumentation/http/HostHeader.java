package io.sightline.instrumentation.http;

/**
 * Splits a {@code Host} header ({@code example.com:8080}, {@code [::1]:8080}) into host and port.
 * A server sees the same few {@code Host} values request after request: the last one split is
 * kept, so that the host is not cut out of the header again (a new string) for every request.
 */
public final class HostHeader {
  /** The last header split, and its host; replaced as a whole, so readers see a matching pair. */
  private static volatile String[] last = {"", ""};

  private HostHeader() {}

  public static String host(String header) {
    String[] split = last;
    if (split[0].equals(header)) {
      return split[1];
    }
    String host = cutHost(header);
    last = new String[] {header, host};
    return host;
  }

  private static String cutHost(String header) {
    if (header.startsWith("[")) {
      int close = header.indexOf(']');
      return close > 0 ? header.substring(1, close) : header;
    }
    int colon = header.indexOf(':');
    return colon < 0 ? header : header.substring(0, colon);
  }

  /** The explicit port (decimal digits only, at most 65535), or -1. */
  public static int port(String header) {
    int colon = header.lastIndexOf(':');
    if (colon < 0 || header.indexOf(']', colon) >= 0 || colon == header.length() - 1) {
      return -1;
    }
    int port = 0;
    for (int i = colon + 1; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      port = port * 10 + (c - '0');
      if (port > 65535) {
        return -1;
      }
    }
    return port;
  }
}
