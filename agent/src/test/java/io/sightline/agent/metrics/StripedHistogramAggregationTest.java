package io.sightline.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.internal.aggregator.AggregationUtil;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The striped histogram against the SDK's own: the same records into a meter provider whose reader
 * is wrapped as the agent wraps it and into one whose reader is not must give equal points.
 */
class StripedHistogramAggregationTest {
  private static final Attributes GET = Attributes.of(AttributeKey.stringKey("http.request.method"), "GET");
  private static final Attributes POST = Attributes.of(AttributeKey.stringKey("http.request.method"), "POST");
  private static final double[] VALUES = {0.0, 0.003, 0.005, 0.0051, 0.02, 0.3, 0.3, 1.7, 7.5, 12, 9e9, -4, 0.75};

  @Test
  void replacesOnlyTheReadersDefaultForHistograms() {
    assertThat(StripedHistogramAggregation.replacing(Aggregation.defaultAggregation(), InstrumentType.HISTOGRAM))
        .isSameAs(StripedHistogramAggregation.INSTANCE);
    Aggregation exponential = Aggregation.base2ExponentialBucketHistogram();
    assertThat(StripedHistogramAggregation.replacing(exponential, InstrumentType.HISTOGRAM)).isSameAs(exponential);
    Aggregation explicit = Aggregation.explicitBucketHistogram(Arrays.asList(1.0, 2.0));
    assertThat(StripedHistogramAggregation.replacing(explicit, InstrumentType.HISTOGRAM)).isSameAs(explicit);
    assertThat(StripedHistogramAggregation.replacing(Aggregation.defaultAggregation(), InstrumentType.COUNTER))
        .isSameAs(Aggregation.defaultAggregation());
    // The SDK's conflict warnings name the aggregation; an unknown class would make them throw.
    assertThat(AggregationUtil.aggregationName(StripedHistogramAggregation.INSTANCE))
        .isEqualTo(AggregationUtil.aggregationName(Aggregation.explicitBucketHistogram()));
  }

  @Test
  void stripesArePowersOfTwoFromTwoToSixteen() {
    assertThat(Stripes.count(1)).isEqualTo(2);
    assertThat(Stripes.count(2)).isEqualTo(4);
    assertThat(Stripes.count(3)).isEqualTo(8);
    assertThat(Stripes.count(8)).isEqualTo(16);
    assertThat(Stripes.count(64)).isEqualTo(16);
  }

  @ParameterizedTest
  @EnumSource(AggregationTemporality.class)
  void givesTheSdksPointsAndExemplars(AggregationTemporality temporality) throws Exception {
    for (MemoryMode memoryMode : MemoryMode.values()) {
      Pair pair = new Pair(temporality, memoryMode);
      // Three collections: values on several threads, nothing (delta: empty points), then more values.
      recordEverywhere(pair, VALUES);
      assertSameHistograms(pair, 2);
      assertSameHistograms(pair, temporality == AggregationTemporality.DELTA ? 0 : 2);
      recordEverywhere(pair, new double[] {0.2, 0.0001, 3});
      assertSameHistograms(pair, 2);
    }
  }

  @Test
  void adviceAndViewsKeepTheirBoundaries() {
    Pair pair = new Pair(AggregationTemporality.CUMULATIVE, MemoryMode.IMMUTABLE_DATA,
        InstrumentSelector.builder().setName("viewed").build(),
        View.builder().setAggregation(Aggregation.explicitBucketHistogram(Arrays.asList(0.5, 5.0))).build());
    for (SdkMeterProvider provider : pair.providers) {
      DoubleHistogram advised = provider.get("test").histogramBuilder("advised")
          .setExplicitBucketBoundariesAdvice(Arrays.asList(0.1, 1.0, 10.0)).build();
      DoubleHistogram viewed = provider.get("test").histogramBuilder("viewed").build();
      for (double value : VALUES) {
        advised.record(value, GET);
        viewed.record(value, GET);
      }
    }
    List<HistogramPointData> points = assertSameHistograms(pair, 2);
    assertThat(points.stream().map(HistogramPointData::getBoundaries).collect(Collectors.toList()))
        .containsExactlyInAnyOrder(Arrays.asList(0.1, 1.0, 10.0), Arrays.asList(0.5, 5.0));
  }

  @Test
  void deltaCountsEveryRecordOnceWhileCollectionsRunBeside() throws Exception {
    InMemoryMetricReader reader = InMemoryMetricReader.createDelta();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(new OverflowWarningReader(reader, 2000)).build();
    LongHistogram histogram = provider.get("test").histogramBuilder("concurrent").ofLongs().build();
    int threads = 4;
    int perThread = 200_000;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          histogram.record(i % 7, GET);
        }
        done.countDown();
      });
      thread.start();
    }
    long count = 0;
    double sum = 0;
    AtomicBoolean last = new AtomicBoolean();
    while (!last.get()) {
      last.set(done.getCount() == 0);
      for (MetricData metric : reader.collectAllMetrics()) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          count += point.getCount();
          sum += point.getSum();
          assertThat(point.getCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(point.getCount());
        }
      }
    }
    long perThreadSum = 0;
    for (int i = 0; i < perThread; i++) {
      perThreadSum += i % 7;
    }
    assertThat(count).isEqualTo((long) threads * perThread);
    assertThat(sum).isEqualTo((double) threads * perThreadSum);
    provider.close();
  }

  private static void recordEverywhere(Pair pair, double[] values) throws InterruptedException {
    // The same records into both providers, from the test thread and two others, each inside a
    // sampled span of its own so that exemplars are offered and tell the threads apart.
    for (SdkMeterProvider provider : pair.providers) {
      DoubleHistogram histogram = provider.get("test").histogramBuilder("duration").setUnit("s").build();
      LongHistogram sizes = provider.get("test").histogramBuilder("size").ofLongs().build();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Attributes attributes = t == 1 ? POST : GET;
        SpanContext sampled = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b716920333" + t,
            TraceFlags.getSampled(), TraceState.getDefault());
        Context context = Context.root().with(Span.wrap(sampled));
        Runnable records = () -> {
          try (Scope ignored = context.makeCurrent()) {
            for (double value : values) {
              histogram.record(value, attributes);
              sizes.record((long) (value * 1000), attributes);
            }
          }
        };
        if (t == 0) {
          records.run();
        } else {
          threads.add(new Thread(records));
        }
      }
      for (Thread thread : threads) {
        thread.start();
        thread.join();
      }
    }
  }

  /** Asserts that both readers collect the same histograms; answers the striped side's points. */
  private static List<HistogramPointData> assertSameHistograms(Pair pair, int metrics) {
    Collection<MetricData> sdk = pair.sdk.collectAllMetrics();
    Collection<MetricData> striped = pair.striped.collectAllMetrics();
    assertThat(striped).hasSize(sdk.size());
    List<HistogramPointData> stripedPoints = new ArrayList<>();
    int withPoints = 0;
    for (MetricData expected : sdk) {
      MetricData actual = striped.stream().filter(m -> m.getName().equals(expected.getName())).findFirst().orElseThrow();
      assertThat(actual.getHistogramData().getAggregationTemporality())
          .isEqualTo(expected.getHistogramData().getAggregationTemporality());
      List<HistogramPointData> expectedPoints = sorted(expected.getHistogramData().getPoints());
      List<HistogramPointData> actualPoints = sorted(actual.getHistogramData().getPoints());
      assertThat(actualPoints).hasSize(expectedPoints.size());
      withPoints += expectedPoints.stream().anyMatch(p -> p.getCount() > 0) ? 1 : 0;
      for (int i = 0; i < expectedPoints.size(); i++) {
        HistogramPointData e = expectedPoints.get(i);
        HistogramPointData a = actualPoints.get(i);
        assertThat(a.getAttributes()).isEqualTo(e.getAttributes());
        assertThat(a.getCount()).isEqualTo(e.getCount());
        assertThat(a.getSum()).isEqualTo(e.getSum());
        assertThat(a.hasMin()).isEqualTo(e.hasMin());
        assertThat(a.getMin()).isEqualTo(e.getMin());
        assertThat(a.hasMax()).isEqualTo(e.hasMax());
        assertThat(a.getMax()).isEqualTo(e.getMax());
        assertThat(a.getBoundaries()).isEqualTo(e.getBoundaries());
        assertThat(a.getCounts()).isEqualTo(e.getCounts());
        assertThat(exemplarValues(a)).isEqualTo(exemplarValues(e));
        stripedPoints.add(a);
      }
    }
    assertThat(withPoints).isEqualTo(metrics);
    return stripedPoints;
  }

  private static List<HistogramPointData> sorted(Collection<HistogramPointData> points) {
    List<HistogramPointData> list = new ArrayList<>(points);
    list.sort((a, b) -> a.getAttributes().toString().compareTo(b.getAttributes().toString()));
    return list;
  }

  private static List<String> exemplarValues(HistogramPointData point) {
    List<String> values = new ArrayList<>();
    for (DoubleExemplarData exemplar : point.getExemplars()) {
      values.add(exemplar.getValue() + "@" + exemplar.getSpanContext().getSpanId());
    }
    values.sort(null);
    return values;
  }

  /** A provider read as the agent reads it (wrapped) and one read by the SDK alone. */
  private static final class Pair {
    final InMemoryMetricReader sdk;
    final InMemoryMetricReader striped;
    final List<SdkMeterProvider> providers = new ArrayList<>();

    Pair(AggregationTemporality temporality, MemoryMode memoryMode) {
      this(temporality, memoryMode, null, null);
    }

    Pair(AggregationTemporality temporality, MemoryMode memoryMode, InstrumentSelector selector, View view) {
      sdk = reader(temporality, memoryMode);
      striped = reader(temporality, memoryMode);
      providers.add(provider(sdk, selector, view));
      providers.add(provider(new OverflowWarningReader(striped, 2000), selector, view));
    }

    private static InMemoryMetricReader reader(AggregationTemporality temporality, MemoryMode memoryMode) {
      return InMemoryMetricReader.builder()
          .setAggregationTemporalitySelector(type -> temporality)
          .setMemoryMode(memoryMode)
          .build();
    }

    private static SdkMeterProvider provider(MetricReader reader, InstrumentSelector selector, View view) {
      io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder builder = SdkMeterProvider.builder().registerMetricReader(reader);
      if (selector != null) {
        builder.registerView(selector, view);
      }
      return builder.build();
    }
  }
}
