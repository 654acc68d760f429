package io.sightline.agent.metrics;

import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.internal.aggregator.AggregationUtil;
import io.opentelemetry.sdk.metrics.internal.aggregator.Aggregator;
import io.opentelemetry.sdk.metrics.internal.aggregator.AggregatorFactory;
import io.opentelemetry.sdk.metrics.internal.aggregator.AggregatorHandle;
import io.opentelemetry.sdk.metrics.internal.aggregator.DoubleExplicitBucketHistogramAggregator;
import io.opentelemetry.sdk.metrics.internal.aggregator.ExplicitBucketHistogramUtils;
import io.opentelemetry.sdk.metrics.internal.descriptor.InstrumentDescriptor;
import io.opentelemetry.sdk.metrics.internal.descriptor.MetricDescriptor;
import io.opentelemetry.sdk.metrics.internal.exemplar.ExemplarFilterInternal;
import io.opentelemetry.sdk.metrics.internal.exemplar.ExemplarReservoirFactory;
import io.opentelemetry.sdk.resources.Resource;
import io.sightline.bootstrap.AgentLog;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The default aggregation of a histogram (explicit buckets, the instrument's advised boundaries or
 * the SDK's default ones, min and max), recorded into {@link StripedHistogramHandle}s and
 * {@link StripedExemplarReservoir}s: the same points and exemplars as the SDK's own aggregation,
 * without the locks that every recording thread takes. The SDK's handle is a single synchronized cell; with two request threads on two cores a
 * record into it took about 500 ns against 60 ns from one thread ({@code HistogramRecordBenchmark}),
 * and every request records five of them.
 *
 * <p>Used only where a metric reader asks for the SDK's default aggregation of a histogram: a View
 * (the user's, or {@code sightline.metrics.buckets.*}) and a configured default aggregation (such as
 * exponential histograms) are left as they are.
 */
final class StripedHistogramAggregation implements Aggregation, AggregatorFactory {
  static final StripedHistogramAggregation INSTANCE = new StripedHistogramAggregation();
  private static final boolean AVAILABLE = registerName();

  private StripedHistogramAggregation() {}

  /** What a reader should use for the instrument type, given the aggregation it would use itself. */
  static Aggregation replacing(Aggregation readerDefault, InstrumentType type) {
    if (AVAILABLE && type == InstrumentType.HISTOGRAM && readerDefault == Aggregation.defaultAggregation()) {
      return INSTANCE;
    }
    return readerDefault;
  }

  /**
   * The SDK names an aggregation, in its warnings about conflicting metrics, from a map of the
   * classes it knows, and throws for any other. Without this entry such a warning would throw
   * inside the application's call that created the conflicting instrument, so the aggregation is
   * only used when the entry could be added.
   */
  @SuppressWarnings("unchecked")
  private static boolean registerName() {
    try {
      Field field = AggregationUtil.class.getDeclaredField("nameByAggregation");
      field.setAccessible(true);
      Map<Class<? extends Aggregation>, String> names = (Map<Class<? extends Aggregation>, String>) field.get(null);
      String explicit = names.get(Aggregation.explicitBucketHistogram().getClass());
      if (explicit == null) {
        return false;
      }
      synchronized (names) {
        names.put(StripedHistogramAggregation.class, explicit);
      }
      return AggregationUtil.aggregationName(INSTANCE).equals(explicit);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.debug("histograms keep the SDK's own recording: " + e);
      return false;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends PointData> Aggregator<T> createAggregator(
      InstrumentDescriptor instrument, ExemplarFilterInternal exemplarFilter, MemoryMode memoryMode) {
    List<Double> advised = instrument.getAdvice().getExplicitBucketBoundaries();
    List<Double> boundaries = advised != null ? advised : ExplicitBucketHistogramUtils.DEFAULT_HISTOGRAM_BUCKET_BOUNDARIES;
    double[] boundaryArray = ExplicitBucketHistogramUtils.createBoundaryArray(boundaries);
    // As the SDK's explicit bucket aggregation builds it (the latest exemplar of each bucket, the
    // filter in front), with a reservoir per cell.
    ExemplarReservoirFactory reservoirs = ExemplarReservoirFactory.filtered(exemplarFilter, StripedExemplarReservoir.factory(
        ExemplarReservoirFactory.histogramBucketReservoir(Clock.getDefault(), boundaries), boundaryArray));
    return (Aggregator<T>) new StripedAggregator(
        new DoubleExplicitBucketHistogramAggregator(boundaryArray, true, reservoirs, memoryMode),
        boundaries, boundaryArray, reservoirs, memoryMode);
  }

  @Override
  public boolean isCompatibleWithInstrument(InstrumentDescriptor instrument) {
    return instrument.getType() == InstrumentType.HISTOGRAM;
  }

  @Override
  public String toString() {
    return "StripedHistogramAggregation";
  }

  /**
   * The SDK's aggregator for the metric data, the handles our own; the SDK's histogram aggregator
   * keeps the interface's defaults for the rest, as this one does.
   */
  private static final class StripedAggregator implements Aggregator<HistogramPointData> {
    private final DoubleExplicitBucketHistogramAggregator sdk;
    private final List<Double> boundaries;
    private final double[] boundaryArray;
    private final ExemplarReservoirFactory reservoirs;
    private final MemoryMode memoryMode;

    StripedAggregator(DoubleExplicitBucketHistogramAggregator sdk, List<Double> boundaries, double[] boundaryArray,
        ExemplarReservoirFactory reservoirs, MemoryMode memoryMode) {
      this.sdk = sdk;
      this.boundaries = boundaries;
      this.boundaryArray = boundaryArray;
      this.reservoirs = reservoirs;
      this.memoryMode = memoryMode;
    }

    @Override
    public AggregatorHandle<HistogramPointData> createHandle(long creationEpochNanos) {
      return new StripedHistogramHandle(creationEpochNanos, boundaries, boundaryArray, reservoirs, memoryMode);
    }

    @Override
    public MetricData toMetricData(Resource resource, InstrumentationScopeInfo scope, MetricDescriptor metric,
        Collection<HistogramPointData> points, AggregationTemporality temporality) {
      return sdk.toMetricData(resource, scope, metric, points, temporality);
    }
  }
}
