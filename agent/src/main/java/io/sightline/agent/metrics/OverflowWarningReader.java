package io.sightline.agent.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.sightline.bootstrap.AgentLog;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps a metric reader to warn once per metric when it first exceeds the cardinality limit. The
 * check runs on the reader's collection (export interval or scrape), never on the request path. It
 * also gives the reader's default histograms {@link StripedHistogramAggregation}.
 */
public final class OverflowWarningReader implements MetricReader {
  static final AttributeKey<Boolean> OVERFLOW = AttributeKey.booleanKey("otel.metric.overflow");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final MetricReader delegate;
  private final int limit;

  public OverflowWarningReader(MetricReader delegate, int limit) {
    this.delegate = delegate;
    this.limit = limit;
  }

  @Override
  public void register(CollectionRegistration registration) {
    delegate.register(new CollectionRegistration() {
      @Override
      public Collection<MetricData> collectAllMetrics() {
        Collection<MetricData> metrics = registration.collectAllMetrics();
        check(metrics, limit);
        return metrics;
      }
    });
  }

  static void check(Collection<MetricData> metrics, int limit) {
    for (MetricData metric : metrics) {
      if (WARNED.contains(metric.getName())) {
        continue;
      }
      Collection<? extends PointData> points = metric.getData().getPoints();
      for (PointData point : points) {
        if (Boolean.TRUE.equals(point.getAttributes().get(OVERFLOW))) {
          if (WARNED.add(metric.getName())) {
            AgentLog.warn("metric " + metric.getName() + " reached the cardinality limit of " + limit
                + " series (" + CardinalityLimit.KEY + "); further attribute sets are counted in one series"
                + " with otel.metric.overflow=true. Look for an unbounded attribute value (ids, raw paths).");
          }
          break;
        }
      }
    }
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    // Histograms the reader would aggregate as the SDK does by default are recorded without one
    // shared lock per series (StripedHistogramAggregation); the points are the same.
    return StripedHistogramAggregation.replacing(delegate.getDefaultAggregation(instrumentType), instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
