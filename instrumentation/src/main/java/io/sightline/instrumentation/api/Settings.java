package io.sightline.instrumentation.api;

import io.sightline.bootstrap.AgentLog;
import io.sightline.bootstrap.AgentSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Typed access to settings, resolved as {@link AgentSettings} does (system property, then
 * environment variable, then configuration file). A malformed value never throws: it yields one
 * warning naming the setting, the bad value and the value used instead.
 */
public final class Settings {
  private Settings() {}

  public static String getString(String key, String defaultValue) {
    return AgentSettings.get(key, defaultValue);
  }

  public static boolean getBoolean(String key, boolean defaultValue) {
    return AgentSettings.getBoolean(key, defaultValue);
  }

  public static long getLong(String key, long defaultValue) {
    String value = AgentSettings.get(key);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      warnInvalid(key, value, String.valueOf(defaultValue));
      return defaultValue;
    }
  }

  /**
   * A duration in milliseconds: a number with an optional unit ({@code ms}, {@code s}, {@code m},
   * {@code h}); a bare number means milliseconds, as in the OpenTelemetry settings.
   */
  public static long getDurationMillis(String key, long defaultMillis) {
    String value = AgentSettings.get(key);
    if (value == null || value.isEmpty()) {
      return defaultMillis;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    long factor = 1;
    String number = v;
    if (v.endsWith("ms")) {
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      number = v.substring(0, v.length() - 1);
      factor = 1000;
    } else if (v.endsWith("m")) {
      number = v.substring(0, v.length() - 1);
      factor = 60_000;
    } else if (v.endsWith("h")) {
      number = v.substring(0, v.length() - 1);
      factor = 3_600_000;
    }
    try {
      long parsed = Long.parseLong(number.trim());
      if (parsed < 0) {
        throw new NumberFormatException("negative");
      }
      return parsed * factor;
    } catch (NumberFormatException e) {
      warnInvalid(key, value, defaultMillis + "ms");
      return defaultMillis;
    }
  }

  /** A comma-separated list, trimmed, without empty elements. */
  public static List<String> getList(String key, List<String> defaultValue) {
    String value = AgentSettings.get(key);
    if (value == null) {
      return defaultValue;
    }
    List<String> list = new ArrayList<>();
    for (String part : value.split(",")) {
      String trimmed = part.trim();
      if (!trimmed.isEmpty()) {
        list.add(trimmed);
      }
    }
    return Collections.unmodifiableList(list);
  }

  /** A list of header names, lower-cased. */
  public static List<String> getLowerCaseList(String key) {
    List<String> list = new ArrayList<>();
    for (String item : getList(key, Collections.emptyList())) {
      list.add(item.toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * Whether an instrumentation is on: {@code otel.instrumentation.<name>.enabled}, else
   * {@code otel.instrumentation.common.default-enabled}, else the module's default.
   */
  public static boolean isInstrumentationEnabled(String name, boolean moduleDefault) {
    boolean common = getBoolean("otel.instrumentation.common.default-enabled", moduleDefault);
    return getBoolean("otel.instrumentation." + name + ".enabled", common);
  }

  public static void warnInvalid(String key, String badValue, String usedValue) {
    AgentLog.warn("invalid value for " + key + ": '" + badValue + "'; using " + usedValue);
  }
}
