package io.sightline.agent.metrics;

import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import io.sightline.bootstrap.AgentSettings;
import io.sightline.instrumentation.api.MetricBuckets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code sightline.metrics.buckets.<instrument>} as SDK Views, so the boundaries apply to every
 * histogram of that name whoever created it (our instrumentations, the SDK's own metrics, the
 * application's OpenTelemetry API calls), and win over an instrument's advice.
 */
public final class MetricViews {
  public static final String PREFIX = "sightline.metrics.buckets.";

  /**
   * Histograms the agent knows of. Environment variables cannot tell {@code .} from {@code _}, so
   * {@code SIGHTLINE_METRICS_BUCKETS_*} is matched against these names; system properties and the
   * configuration file may name any instrument.
   */
  static final List<String> KNOWN_HISTOGRAMS = Collections.unmodifiableList(Arrays.asList(
      "http.server.request.duration",
      "http.client.request.duration",
      "db.client.operation.duration",
      "db.client.connection.wait_time",
      "db.client.connection.create_time",
      "db.client.connection.use_time",
      "jvm.gc.duration",
      "otel.sdk.metric_reader.collection.duration",
      "otel.sdk.exporter.operation.duration"));

  private static final List<Double> NOT_SET = Collections.emptyList();

  private MetricViews() {}

  /** The instrument names that have a bucket setting. */
  static Set<String> configuredInstruments() {
    Set<String> names = new LinkedHashSet<>();
    for (String name : KNOWN_HISTOGRAMS) {
      if (AgentSettings.get(PREFIX + name) != null) {
        names.add(name);
      }
    }
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
        names.add(key.substring(PREFIX.length()));
      }
    }
    for (Map.Entry<String, String> entry : AgentSettings.fileProperties().entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
        names.add(key.substring(PREFIX.length()));
      }
    }
    return names;
  }

  /**
   * Registers one View per valid bucket setting; returns the instrument names it applies to. A
   * View carries its own cardinality limit (2000 unless set), which would replace the reader's:
   * hence {@code cardinalityLimit}.
   */
  public static List<String> register(SdkMeterProviderBuilder builder, int cardinalityLimit) {
    List<String> applied = new ArrayList<>();
    for (String name : configuredInstruments()) {
      List<Double> buckets = MetricBuckets.forInstrument(name, NOT_SET);
      if (buckets == NOT_SET || buckets.isEmpty()) {
        continue; // malformed: MetricBuckets warned, the instrument keeps its own boundaries
      }
      builder.registerView(
          InstrumentSelector.builder().setType(InstrumentType.HISTOGRAM).setName(name).build(),
          View.builder()
              .setAggregation(Aggregation.explicitBucketHistogram(buckets))
              .setCardinalityLimit(cardinalityLimit)
              .build());
      applied.add(name);
    }
    return applied;
  }
}
