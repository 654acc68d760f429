package io.sightline.agent.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives every metric family a HELP line: {@code target_info} (which the
 * OpenTelemetry converter writes without one) gets the text of the OpenTelemetry Prometheus
 * compatibility specification, and an instrument created without a description (for example by
 * the application through the OpenTelemetry API) gets its own name.
 */
final class PrometheusHelp {
  static final String TARGET_INFO_HELP = "Target metadata";

  private PrometheusHelp() {}

  static MetricSnapshots withHelp(MetricSnapshots snapshots) {
    boolean missing = false;
    for (MetricSnapshot snapshot : snapshots) {
      if (isBlank(snapshot.getMetadata().getHelp())) {
        missing = true;
        break;
      }
    }
    if (!missing) {
      return snapshots;
    }
    List<MetricSnapshot> result = new ArrayList<>(snapshots.size());
    for (MetricSnapshot snapshot : snapshots) {
      result.add(isBlank(snapshot.getMetadata().getHelp()) ? withHelp(snapshot) : snapshot);
    }
    return new MetricSnapshots(result);
  }

  private static MetricSnapshot withHelp(MetricSnapshot snapshot) {
    MetricMetadata old = snapshot.getMetadata();
    String help = "target".equals(old.getName()) || "target_info".equals(old.getName())
        ? TARGET_INFO_HELP : old.getName();
    MetricMetadata metadata = old.hasUnit()
        ? new MetricMetadata(old.getName(), help, old.getUnit())
        : new MetricMetadata(old.getName(), help);
    if (snapshot instanceof InfoSnapshot) {
      return new InfoSnapshot(metadata, ((InfoSnapshot) snapshot).getDataPoints());
    } else if (snapshot instanceof CounterSnapshot) {
      return new CounterSnapshot(metadata, ((CounterSnapshot) snapshot).getDataPoints());
    } else if (snapshot instanceof GaugeSnapshot) {
      return new GaugeSnapshot(metadata, ((GaugeSnapshot) snapshot).getDataPoints());
    } else if (snapshot instanceof HistogramSnapshot) {
      HistogramSnapshot histogram = (HistogramSnapshot) snapshot;
      return new HistogramSnapshot(histogram.isGaugeHistogram(), metadata, histogram.getDataPoints());
    } else if (snapshot instanceof SummarySnapshot) {
      return new SummarySnapshot(metadata, ((SummarySnapshot) snapshot).getDataPoints());
    } else if (snapshot instanceof UnknownSnapshot) {
      return new UnknownSnapshot(metadata, ((UnknownSnapshot) snapshot).getDataPoints());
    }
    return snapshot;
  }

  private static boolean isBlank(String help) {
    return help == null || help.trim().isEmpty();
  }
}
