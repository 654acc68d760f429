package io.sightline.agent.metrics;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.sightline.bootstrap.AgentSettings;
import io.sightline.instrumentation.api.Settings;
import java.util.Map;

/**
 * {@code sightline.metrics.cardinality-limit}: the most series one metric keeps per reader. It
 * is the SDK's own limit ({@code otel.java.metrics.cardinality.limit}): attribute sets beyond it
 * are folded into one series carrying {@code otel.metric.overflow=true}.
 */
public final class CardinalityLimit {
  public static final String KEY = "sightline.metrics.cardinality-limit";
  public static final String SDK_KEY = "otel.java.metrics.cardinality.limit";
  public static final int DEFAULT = 2000;

  private CardinalityLimit() {}

  /** Puts the SDK setting into {@code overrides}; returns the limit in force. */
  public static int configure(ConfigProperties config, Map<String, String> overrides) {
    String own = AgentSettings.get(KEY);
    if (own == null) {
      String sdk = config.getString(SDK_KEY);
      if (sdk != null) {
        int parsed = parse(SDK_KEY, sdk);
        if (String.valueOf(parsed).equals(sdk.trim())) {
          return parsed; // the user set the SDK's own key; autoconfigure reads it
        }
        overrides.put(SDK_KEY, String.valueOf(parsed));
        return parsed;
      }
      overrides.put(SDK_KEY, String.valueOf(DEFAULT));
      return DEFAULT;
    }
    int limit = parse(KEY, own);
    overrides.put(SDK_KEY, String.valueOf(limit));
    return limit;
  }

  private static int parse(String key, String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= 1) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    Settings.warnInvalid(key, value, String.valueOf(DEFAULT));
    return DEFAULT;
  }
}
