package io.sightline.instrumentation.logs;

/** Each library's levels on the OpenTelemetry severity numbers (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21). */
public final class Severities {
  private Severities() {}

  /** Logback: TRACE 5000, DEBUG 10000, INFO 20000, WARN 30000, ERROR 40000. */
  public static int logback(int level) {
    if (level >= 40000) {
      return 17;
    } else if (level >= 30000) {
      return 13;
    } else if (level >= 20000) {
      return 9;
    } else if (level >= 10000) {
      return 5;
    }
    return 1;
  }

  /** Log4j2 (smaller is more severe): FATAL 100, ERROR 200, WARN 300, INFO 400, DEBUG 500, TRACE 600. */
  public static int log4j(int intLevel) {
    if (intLevel <= 100) {
      return 21;
    } else if (intLevel <= 200) {
      return 17;
    } else if (intLevel <= 300) {
      return 13;
    } else if (intLevel <= 400) {
      return 9;
    } else if (intLevel <= 500) {
      return 5;
    }
    return 1;
  }

  /** java.util.logging: SEVERE, WARNING, INFO, CONFIG (DEBUG4), FINE, FINER (TRACE4), FINEST. */
  public static int jul(int level) {
    if (level >= 1000) {
      return 17;
    } else if (level >= 900) {
      return 13;
    } else if (level >= 800) {
      return 9;
    } else if (level >= 700) {
      return 8;
    } else if (level >= 500) {
      return 5;
    } else if (level >= 400) {
      return 4;
    }
    return 1;
  }
}
