package io.sightline.agent.config;

import io.sightline.agent.exporter.OtlpFile;
import io.sightline.agent.metrics.CardinalityLimit;
import io.sightline.agent.metrics.DroppedTelemetryMonitor;
import io.sightline.agent.metrics.MetricViews;
import io.sightline.agent.sampling.OutcomeSampling;
import io.sightline.bootstrap.AgentLog;
import io.sightline.bootstrap.AgentSettings;
import io.sightline.instrumentation.logs.LogSampleRatio;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * One warning at start naming the {@code sightline.*} settings no code reads: a misspelt key
 * ({@code sightline.logs.jsn}) is otherwise silently ignored, and the application runs without
 * what its owner thought they had switched on. Only a warning: nothing else changes.
 *
 * <p>The standard {@code otel.*} keys are not checked: the SDK, its extensions and other agents
 * read keys of their own there, which no list of ours could keep up with.
 */
public final class UnknownSettings {
  private static final String PREFIX = "sightline.";
  private static final String ENV_PREFIX = "SIGHTLINE_";

  /**
   * Every {@code sightline.*} key the agent reads, from the constants the code reads it through
   * (UnknownSettingsTest checks this against the string literals in the main sources and against
   * docs/configuration.md).
   */
  static final List<String> KNOWN = Collections.unmodifiableList(Arrays.asList(
      "sightline.shutdown.timeout",
      "sightline.startup.cache.dir",
      "sightline.startup.weaver",
      "sightline.export.one-pass-encoding",
      "sightline.export.agent-records",
      OtlpFile.PATH,
      OutcomeSampling.KEEP_ERRORS,
      OutcomeSampling.KEEP_SLOWER_THAN,
      OutcomeSampling.BUFFER_SIZE,
      CardinalityLimit.KEY,
      DroppedTelemetryMonitor.INTERVAL_KEY,
      "sightline.http.server.route-normalization",
      "sightline.http.sensitive-query-keys",
      "sightline.logs.json",
      LogSampleRatio.KEY,
      "sightline.logs.request-id-key"));

  /** Keys that end in a name of the user's choosing. */
  static final List<String> KNOWN_PREFIXES = Collections.singletonList(MetricViews.PREFIX);

  /**
   * Instrumentations are switched with {@code otel.instrumentation.<name>.enabled}, as for the
   * OpenTelemetry agent; the same key under {@code sightline.} is a likely mistake.
   */
  private static final String INSTRUMENTATION_PREFIX = PREFIX + "instrumentation.";

  /** A suggestion further than this from the key would be a guess, not a correction. */
  private static final int MAX_DISTANCE = 3;

  private UnknownSettings() {}

  /** Prints the warning when a system property, environment variable or file entry is unknown. */
  public static void warnIfAny() {
    String warning = warning(System.getProperties().stringPropertyNames(), System.getenv().keySet(),
        AgentSettings.fileProperties().keySet());
    if (warning != null) {
      AgentLog.warn(warning);
    }
  }

  /** The warning for these keys, null when all are known. */
  static String warning(Collection<String> properties, Collection<String> environment, Collection<String> file) {
    List<String[]> unknown = new ArrayList<>(); // key, where it was set (or null), suggestion (or null)
    for (String key : new TreeSet<>(properties)) {
      if (key.startsWith(PREFIX) && !isKnown(key)) {
        unknown.add(new String[] {key, null, suggestion(key)});
      }
    }
    for (String name : new TreeSet<>(environment)) {
      if (name.startsWith(ENV_PREFIX) && !isKnownEnv(name)) {
        unknown.add(new String[] {name, "environment", envSuggestion(name)});
      }
    }
    for (String key : new TreeSet<>(file)) {
      if (key.startsWith(PREFIX) && !isKnown(key)) {
        unknown.add(new String[] {key, "configuration file", suggestion(key)});
      }
    }
    if (unknown.isEmpty()) {
      return null;
    }
    if (unknown.size() == 1) {
      String[] one = unknown.get(0);
      return "unknown setting " + one[0] + (one[1] == null ? "" : " (" + one[1] + ")")
          + (one[2] == null ? "" : "; did you mean " + one[2] + "?");
    }
    List<String> described = new ArrayList<>();
    for (String[] each : unknown) {
      String note = each[1] == null ? "" : each[1];
      if (each[2] != null) {
        note += (note.isEmpty() ? "" : "; ") + "did you mean " + each[2] + "?";
      }
      described.add(each[0] + (note.isEmpty() ? "" : " (" + note + ")"));
    }
    return "unknown settings, ignored: " + String.join(", ", described);
  }

  static boolean isKnown(String key) {
    if (KNOWN.contains(key)) {
      return true;
    }
    for (String prefix : KNOWN_PREFIXES) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  private static boolean isKnownEnv(String name) {
    for (String key : KNOWN) {
      if (AgentSettings.envName(key).equals(name)) {
        return true;
      }
    }
    for (String prefix : KNOWN_PREFIXES) {
      String envPrefix = AgentSettings.envName(prefix);
      if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
        return true;
      }
    }
    return false;
  }

  private static String suggestion(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.startsWith(INSTRUMENTATION_PREFIX) && lower.endsWith(".enabled")) {
      return "otel." + key.substring(PREFIX.length());
    }
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String known : KNOWN) {
      int distance = distance(lower, known);
      if (distance < bestDistance) {
        best = known;
        bestDistance = distance;
      }
    }
    for (String prefix : KNOWN_PREFIXES) {
      // The part the user names is free: only the fixed part can be misspelt.
      String head = lower.substring(0, Math.min(lower.length(), prefix.length()));
      int distance = distance(head, prefix);
      if (distance < bestDistance) {
        best = prefix + "<name>";
        bestDistance = distance;
      }
    }
    return best;
  }

  private static String envSuggestion(String name) {
    if (name.startsWith("SIGHTLINE_INSTRUMENTATION_") && name.endsWith("_ENABLED")) {
      return "OTEL_" + name.substring(ENV_PREFIX.length());
    }
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String known : KNOWN) {
      String env = AgentSettings.envName(known);
      int distance = distance(name, env);
      if (distance < bestDistance) {
        best = env;
        bestDistance = distance;
      }
    }
    return best;
  }

  /**
   * The Levenshtein distance (insertions, deletions and substitutions), given up as soon as it
   * exceeds {@link #MAX_DISTANCE}: only close keys are of interest.
   */
  static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > MAX_DISTANCE) {
      return MAX_DISTANCE + 1;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (rowMin > MAX_DISTANCE) {
        return MAX_DISTANCE + 1;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
