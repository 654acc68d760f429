package io.sightline.bootstrap;

import java.io.PrintStream;

/**
 * The agent's own log: one line per event on stderr, prefixed {@code [sightline]}. It never goes
 * through the application's logging, so it can neither initialise it nor be captured by the log
 * instrumentation (no feedback loop).
 */
public final class AgentLog {
  private static final String PREFIX = "[sightline] ";
  private static volatile boolean debug;

  private AgentLog() {}

  public static void setDebug(boolean enabled) {
    debug = enabled;
  }

  public static boolean isDebug() {
    return debug;
  }

  public static void info(String message) {
    print(PREFIX + message);
  }

  public static void warn(String message) {
    print(PREFIX + "WARN " + message);
  }

  public static void debug(String message) {
    if (debug) {
      print(PREFIX + "DEBUG " + message);
    }
  }

  private static void print(String line) {
    PrintStream err = System.err;
    if (err != null) {
      err.println(line);
    }
  }
}
