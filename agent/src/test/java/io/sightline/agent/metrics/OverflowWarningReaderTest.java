package io.sightline.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverflowWarningReaderTest {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

  @Test
  void limitOfOneHundredKeepsAtMostOneHundredAndOneSeriesIncludingOneOverflowAndWarnsOnce() {
    CapturingReader capturing = new CapturingReader();
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .registerMetricReader(new OverflowWarningReader(capturing, 100), type -> 100)
        .build();
    DoubleHistogram histogram = provider.get("test").histogramBuilder("test.overflow.duration").setUnit("s").build();
    try (StderrCapture stderr = new StderrCapture()) {
      for (int i = 0; i < 500; i++) {
        histogram.record(0.01, Attributes.of(ROUTE, "/r" + i));
      }
      MetricData metric = capturing.collect().iterator().next();
      List<HistogramPointData> points = List.copyOf(metric.getHistogramData().getPoints());
      assertThat(points).hasSizeLessThanOrEqualTo(101);
      List<HistogramPointData> overflow = points.stream()
          .filter(p -> Boolean.TRUE.equals(p.getAttributes().get(OverflowWarningReader.OVERFLOW))).toList();
      assertThat(overflow).hasSize(1);
      assertThat(overflow.get(0).getAttributes().size()).isEqualTo(1);
      assertThat(points.stream().mapToLong(HistogramPointData::getCount).sum()).isEqualTo(500);

      capturing.collect();
      assertThat(stderr.lines()).containsExactly("[sightline] WARN metric test.overflow.duration reached the"
          + " cardinality limit of 100 series (sightline.metrics.cardinality-limit); further attribute sets are"
          + " counted in one series with otel.metric.overflow=true. Look for an unbounded attribute value (ids, raw paths).");
    } finally {
      provider.close();
    }
  }
}
