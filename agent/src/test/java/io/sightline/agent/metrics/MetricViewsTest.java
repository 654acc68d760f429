package io.sightline.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricViewsTest {
  @AfterEach
  void clear() {
    System.clearProperty("sightline.metrics.buckets.jvm.gc.duration");
    System.clearProperty("sightline.metrics.buckets.app.custom.latency");
    System.clearProperty("sightline.metrics.buckets.app.broken.latency");
  }

  @Test
  void bucketSettingsOverrideAdviceForEveryHistogramOfThatName() {
    System.setProperty("sightline.metrics.buckets.jvm.gc.duration", "0.5,2");
    System.setProperty("sightline.metrics.buckets.app.custom.latency", "0.001, 0.002, 0.004");
    System.setProperty("sightline.metrics.buckets.app.broken.latency", "1,abc");
    CapturingReader reader = new CapturingReader();
    SdkMeterProviderBuilder builder = SdkMeterProvider.builder().registerMetricReader(reader);
    List<String> applied;
    try (StderrCapture stderr = new StderrCapture()) {
      applied = MetricViews.register(builder, 3);
      assertThat(stderr.lines()).containsExactly(
          "[sightline] WARN invalid value for sightline.metrics.buckets.app.broken.latency: '1,abc'; using []");
    }
    assertThat(applied).containsExactlyInAnyOrder("jvm.gc.duration", "app.custom.latency");
    try (SdkMeterProvider provider = builder.build()) {
      Meter meter = provider.get("test");
      // Advice on the instrument, as our instrumentations set it: the View wins.
      meter.histogramBuilder("jvm.gc.duration").setExplicitBucketBoundariesAdvice(List.of(0.01, 0.1, 1.0, 10.0))
          .build().record(1.0);
      // No advice (an application's own instrument through the OpenTelemetry API).
      for (int i = 0; i < 5; i++) {
        meter.histogramBuilder("app.custom.latency").build()
            .record(0.003, io.opentelemetry.api.common.Attributes.of(io.opentelemetry.api.common.AttributeKey.longKey("i"), (long) i));
      }
      meter.histogramBuilder("app.broken.latency").setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0))
          .build().record(0.5);
      meter.histogramBuilder("app.other.latency").setExplicitBucketBoundariesAdvice(List.of(0.3)).build().record(0.5);

      Map<String, MetricData> metrics = reader.collect().stream()
          .collect(Collectors.toMap(MetricData::getName, Function.identity()));
      assertThat(boundaries(metrics.get("jvm.gc.duration"))).containsExactly(0.5, 2.0);
      assertThat(boundaries(metrics.get("app.custom.latency"))).containsExactly(0.001, 0.002, 0.004);
      // The View keeps the configured cardinality limit (a View's own default would be 2000).
      assertThat(metrics.get("app.custom.latency").getHistogramData().getPoints()).hasSize(3);
      assertThat(boundaries(metrics.get("app.broken.latency"))).containsExactly(0.1, 1.0);
      assertThat(boundaries(metrics.get("app.other.latency"))).containsExactly(0.3);
    }
  }

  private static List<Double> boundaries(MetricData metric) {
    return metric.getHistogramData().getPoints().iterator().next().getBoundaries();
  }
}
