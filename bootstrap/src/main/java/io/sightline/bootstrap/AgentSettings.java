package io.sightline.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves one setting the way the OpenTelemetry Java agent does: a system property wins over the
 * environment variable (upper case, {@code .} and {@code -} become {@code _}), which wins over the
 * optional properties file named by {@code otel.javaagent.configuration-file}.
 */
public final class AgentSettings {
  public static final String CONFIGURATION_FILE = "otel.javaagent.configuration-file";

  private static volatile Map<String, String> fileProperties;
  private static final Set<String> WARNED_BOOLEANS = ConcurrentHashMap.newKeySet();

  private AgentSettings() {}

  /** The environment variable that stands for {@code key}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public static String get(String key) {
    String value = System.getProperty(key);
    if (value != null) {
      return value.trim();
    }
    value = System.getenv(envName(key));
    if (value != null) {
      return value.trim();
    }
    value = fileProperties().get(key);
    return value == null ? null : value.trim();
  }

  public static String get(String key, String defaultValue) {
    String value = get(key);
    return value == null || value.isEmpty() ? defaultValue : value;
  }

  /**
   * A boolean setting; anything but true/false warns once and falls back to the default. Several
   * readers share some keys (both JSON log modules read {@code sightline.logs.json}, every module
   * {@code otel.instrumentation.common.default-enabled}, the span and the log pipeline {@code
   * sightline.export.one-pass-encoding}), so the warning is remembered per key and value.
   */
  public static boolean getBoolean(String key, boolean defaultValue) {
    String value = get(key);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    if ("true".equalsIgnoreCase(value)) {
      return true;
    }
    if ("false".equalsIgnoreCase(value)) {
      return false;
    }
    if (WARNED_BOOLEANS.add(key + '=' + value)) {
      AgentLog.warn("invalid value for " + key + ": '" + value + "' is not true or false; using " + defaultValue);
    }
    return defaultValue;
  }

  /** The settings read from {@code otel.javaagent.configuration-file}, empty when there is none. */
  public static Map<String, String> fileProperties() {
    Map<String, String> props = fileProperties;
    if (props == null) {
      props = loadFile();
      fileProperties = props;
    }
    return props;
  }

  private static Map<String, String> loadFile() {
    String path = System.getProperty(CONFIGURATION_FILE);
    if (path == null) {
      path = System.getenv(envName(CONFIGURATION_FILE));
    }
    if (path == null || path.trim().isEmpty()) {
      return Collections.emptyMap();
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(Paths.get(path.trim()))) {
      properties.load(in);
    } catch (IOException | RuntimeException e) {
      AgentLog.warn("cannot read " + CONFIGURATION_FILE + " '" + path + "': " + e + "; using no file settings");
      return Collections.emptyMap();
    }
    Map<String, String> map = new HashMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return Collections.unmodifiableMap(map);
  }
}
