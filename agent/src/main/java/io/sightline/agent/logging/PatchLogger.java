package io.sightline.agent.logging;

import io.sightline.bootstrap.AgentLog;
import java.text.MessageFormat;
import java.util.logging.Level;

/**
 * Stands in for {@code java.util.logging.Logger} in every bundled library: the shade plugin
 * relocates references to that class to this one. The OpenTelemetry SDK's internal log lines
 * therefore become {@code [sightline]} lines on stderr instead of going through the JVM's
 * java.util.logging, which the application may route into its own logs (where our log capture
 * would feed them back to us). Warnings and errors are shown; the rest only under
 * {@code otel.javaagent.debug=true}.
 *
 * <p>Only the methods the bundled libraries call are here; the build fails if one is missing.
 */
public final class PatchLogger {
  private final String name;

  private PatchLogger(String name) {
    this.name = name;
  }

  public static PatchLogger getLogger(String name) {
    return new PatchLogger(name);
  }

  public static PatchLogger getLogger(String name, String resourceBundleName) {
    return new PatchLogger(name);
  }

  public String getName() {
    return name;
  }

  public boolean isLoggable(Level level) {
    return level.intValue() >= Level.WARNING.intValue() || AgentLog.isDebug();
  }

  public void log(Level level, String message) {
    log(level, message, (Throwable) null);
  }

  public void log(Level level, String message, Throwable thrown) {
    if (!isLoggable(level) || isCardinalityOverflow(message)) {
      return;
    }
    String line = shortName() + ": " + message + (thrown == null ? "" : " (" + thrown + ")");
    if (level.intValue() >= Level.WARNING.intValue()) {
      AgentLog.warn(line);
    } else {
      AgentLog.debug(line);
    }
  }

  public void log(Level level, String message, Object param) {
    log(level, message, new Object[] {param});
  }

  public void log(Level level, String message, Object[] params) {
    if (isLoggable(level)) {
      String formatted = message;
      if (params != null && params.length > 0) {
        try {
          formatted = MessageFormat.format(message, params);
        } catch (IllegalArgumentException e) {
          formatted = message;
        }
      }
      log(level, formatted, (Throwable) null);
    }
  }

  public void severe(String message) {
    log(Level.SEVERE, message);
  }

  public void warning(String message) {
    log(Level.WARNING, message);
  }

  public void info(String message) {
    log(Level.INFO, message);
  }

  public void config(String message) {
    log(Level.CONFIG, message);
  }

  public void fine(String message) {
    log(Level.FINE, message);
  }

  public void finer(String message) {
    log(Level.FINER, message);
  }

  public void finest(String message) {
    log(Level.FINEST, message);
  }

  /**
   * The SDK's metric storages warn, throttled but repeatedly, when an instrument overflows its
   * cardinality limit; OverflowWarningReader reports that once per metric, naming the setting.
   */
  private boolean isCardinalityOverflow(String message) {
    return message != null && name.endsWith("MetricStorage")
        && (message.contains("cardinality") || message.startsWith("Too many log messages"));
  }

  private String shortName() {
    String n = name;
    int shaded = n.indexOf("shaded.");
    if (shaded >= 0) {
      n = n.substring(shaded + "shaded.".length());
    }
    int dot = n.lastIndexOf('.');
    return dot >= 0 ? n.substring(dot + 1) : n;
  }
}
