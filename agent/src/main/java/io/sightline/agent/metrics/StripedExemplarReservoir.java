package io.sightline.agent.metrics;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.internal.aggregator.ExplicitBucketHistogramUtils;
import io.opentelemetry.sdk.metrics.internal.exemplar.DoubleExemplarReservoir;
import io.opentelemetry.sdk.metrics.internal.exemplar.ExemplarReservoirFactory;
import io.opentelemetry.sdk.metrics.internal.exemplar.LongExemplarReservoir;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The SDK's histogram exemplar reservoir (the latest measurement of each bucket), one per cell of
 * {@link StripedHistogramHandle}: the SDK's keeps a lock per bucket, which every thread recording
 * similar values takes. A collection takes each cell's exemplars and keeps, per bucket, the latest.
 */
final class StripedExemplarReservoir implements DoubleExemplarReservoir {
  private final double[] boundaries;
  private final Stripes<DoubleExemplarReservoir> cells;

  private StripedExemplarReservoir(ExemplarReservoirFactory bucketReservoirs, double[] boundaries) {
    this.boundaries = boundaries;
    this.cells = new Stripes<>(bucketReservoirs::createDoubleExemplarReservoir);
  }

  /** Reservoirs of the SDK's histogram kind, striped; only double ones are asked for by the handle. */
  static ExemplarReservoirFactory factory(ExemplarReservoirFactory bucketReservoirs, double[] boundaries) {
    return new ExemplarReservoirFactory() {
      @Override
      public DoubleExemplarReservoir createDoubleExemplarReservoir() {
        return new StripedExemplarReservoir(bucketReservoirs, boundaries);
      }

      @Override
      public LongExemplarReservoir createLongExemplarReservoir() {
        return bucketReservoirs.createLongExemplarReservoir();
      }
    };
  }

  @Override
  public void offerDoubleMeasurement(double value, Attributes attributes, Context context) {
    cells.current().offerDoubleMeasurement(value, attributes, context);
  }

  @Override
  public List<DoubleExemplarData> collectAndResetDoubles(Attributes pointAttributes) {
    List<DoubleExemplarData> only = null;
    DoubleExemplarData[] latest = null;
    for (int i = 0; i < Stripes.COUNT; i++) {
      DoubleExemplarReservoir cell = cells.get(i);
      if (cell == null) {
        continue;
      }
      List<DoubleExemplarData> exemplars = cell.collectAndResetDoubles(pointAttributes);
      if (exemplars.isEmpty()) {
        continue;
      }
      if (only == null && latest == null) {
        only = exemplars; // the usual case at a collection: one cell had measurements
        continue;
      }
      if (latest == null) {
        latest = new DoubleExemplarData[boundaries.length + 1];
        keepLatest(latest, only);
        only = null;
      }
      keepLatest(latest, exemplars);
    }
    if (latest == null) {
      return only == null ? Collections.emptyList() : only;
    }
    List<DoubleExemplarData> merged = new ArrayList<>();
    for (DoubleExemplarData exemplar : latest) {
      if (exemplar != null) {
        merged.add(exemplar);
      }
    }
    return Collections.unmodifiableList(merged);
  }

  private void keepLatest(DoubleExemplarData[] latest, List<DoubleExemplarData> exemplars) {
    for (DoubleExemplarData exemplar : exemplars) {
      int bucket = ExplicitBucketHistogramUtils.findBucketIndex(boundaries, exemplar.getValue());
      DoubleExemplarData kept = latest[bucket];
      if (kept == null || exemplar.getEpochNanos() >= kept.getEpochNanos()) {
        latest[bucket] = exemplar;
      }
    }
  }
}
