package io.sightline.instrumentation.http;

/** Splits a {@code Host} header ({@code example.com:8080}, {@code [::1]:8080}) into host and port. */
public final class HostHeader {
  private HostHeader() {}

  public static String host(String header) {
    if (header.startsWith("[")) {
      int close = header.indexOf(']');
      return close > 0 ? header.substring(1, close) : header;
    }
    int colon = header.indexOf(':');
    return colon < 0 ? header : header.substring(0, colon);
  }

  /** The explicit port, or -1. */
  public static int port(String header) {
    int colon = header.lastIndexOf(':');
    if (colon < 0 || header.indexOf(']', colon) >= 0) {
      return -1;
    }
    try {
      return Integer.parseInt(header.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
