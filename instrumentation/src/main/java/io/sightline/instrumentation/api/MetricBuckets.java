package io.sightline.instrumentation.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Histogram bucket boundaries for one instrument: {@code sightline.metrics.buckets.<instrument>}
 * (comma-separated, ascending seconds) or the given defaults.
 */
public final class MetricBuckets {
  /** The agent reads a key both for an instrument's advice and for its View: one warning is enough. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private MetricBuckets() {}

  public static List<Double> forInstrument(String instrument, List<Double> defaults) {
    String key = "sightline.metrics.buckets." + instrument;
    List<String> raw = Settings.getList(key, null);
    if (raw == null) {
      return defaults;
    }
    List<Double> buckets = new ArrayList<>(raw.size());
    try {
      for (String item : raw) {
        double value = Double.parseDouble(item);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
          throw new NumberFormatException("not finite");
        }
        if (!buckets.isEmpty() && value <= buckets.get(buckets.size() - 1)) {
          throw new NumberFormatException("not ascending");
        }
        buckets.add(value);
      }
    } catch (NumberFormatException e) {
      if (WARNED.add(key)) {
        Settings.warnInvalid(key, String.join(",", raw), String.valueOf(defaults));
      }
      return defaults;
    }
    return Collections.unmodifiableList(buckets);
  }
}
