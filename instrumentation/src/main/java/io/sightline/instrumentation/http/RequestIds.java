package io.sightline.instrumentation.http;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: an incoming {@code X-Request-ID} is kept when it is safe (at most 128 characters
 * of {@code [A-Za-z0-9._:+=/-]}), else a random one is made. It travels in the {@link Context}
 * so that the logging instrumentation can put it in the MDC as {@code request_id}.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-ID";
  public static final int MAX_LENGTH = 128;
  private static final ContextKey<String> KEY = ContextKey.named("sightline-request-id");
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private RequestIds() {}

  public static String fromContext(Context context) {
    return context.get(KEY);
  }

  public static Context storeIn(Context context, String requestId) {
    return context.with(KEY, requestId);
  }

  /** The incoming id if safe, otherwise a new one. */
  public static String resolve(String incoming) {
    return isSafe(incoming) ? incoming : generate();
  }

  public static boolean isSafe(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '=' || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** 32 random hex digits. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] digits = new byte[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      digits[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
      digits[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
    }
    // Latin-1 bytes: copied once into the string, with no char[] to compact.
    return new String(digits, StandardCharsets.ISO_8859_1);
  }
}
