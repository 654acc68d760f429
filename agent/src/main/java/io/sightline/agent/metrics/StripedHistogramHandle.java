package io.sightline.agent.metrics;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.common.internal.PrimitiveLongList;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.internal.aggregator.AggregatorHandle;
import io.opentelemetry.sdk.metrics.internal.aggregator.ExplicitBucketHistogramUtils;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.MutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.exemplar.ExemplarReservoirFactory;
import java.util.Arrays;
import java.util.List;

/**
 * One series of an explicit-bucket histogram, kept in {@link Stripes} of cells, each with its own lock: two threads rarely share a cell, so a record is an uncontended
 * lock and a few writes to memory no other core is writing. A collection locks each cell in turn,
 * adds them up and, for delta temporality, resets them; each record is counted in exactly one
 * collection. Cells are created by the first thread that needs them, so a series recorded from one
 * thread has one.
 *
 * <p>The point is the SDK's: sum, count, bucket counts, and min and max while anything was recorded
 * (the SDK's handle starts them at {@code Double.MAX_VALUE} and {@code -1}, which only show if a
 * point is read with nothing recorded, where both are reported absent).
 */
final class StripedHistogramHandle extends AggregatorHandle<HistogramPointData> {
  /** Longs of padding: a cache line. */
  private static final int PAD = 8;

  // The SDK's base class writes a volatile flag on every record, from every thread; these keep the
  // fields every record reads off its cache line (longs are laid out before references).
  @SuppressWarnings("unused")
  private long p0, p1, p2, p3, p4, p5, p6, p7;
  private final List<Double> boundaryList;
  private final double[] boundaries;
  private final Stripes<Cell> cells;
  private final MutableHistogramPointData reusablePoint;
  /** Collection's own buffer for the bucket counts summed over the cells; only touched under {@code this}. */
  private final long[] summed;

  StripedHistogramHandle(long creationEpochNanos, List<Double> boundaryList, double[] boundaries,
      ExemplarReservoirFactory reservoirs, MemoryMode memoryMode) {
    super(creationEpochNanos, reservoirs, true);
    this.boundaryList = boundaryList;
    this.boundaries = boundaries;
    this.summed = new long[boundaries.length + 1];
    int buckets = summed.length;
    this.cells = new Stripes<>(() -> new Cell(buckets));
    this.reusablePoint = memoryMode == MemoryMode.REUSABLE_DATA ? new MutableHistogramPointData(summed.length) : null;
  }

  @Override
  public void recordLong(long value, Attributes attributes, Context context) {
    recordDouble((double) value, attributes, context);
  }

  @Override
  protected void doRecordDouble(double value) {
    int bucket = ExplicitBucketHistogramUtils.findBucketIndex(boundaries, value);
    cells.current().record(value, bucket);
  }

  @Override
  protected synchronized HistogramPointData doAggregateThenMaybeResetDoubles(long startEpochNanos, long epochNanos,
      Attributes attributes, List<DoubleExemplarData> exemplars, boolean reset) {
    double sum = 0;
    double min = Double.MAX_VALUE;
    double max = -1;
    long count = 0;
    Arrays.fill(summed, 0);
    for (int i = 0; i < Stripes.COUNT; i++) {
      Cell cell = cells.get(i);
      if (cell == null) {
        continue;
      }
      synchronized (cell) {
        if (cell.count > 0) {
          sum += cell.sum;
          min = Math.min(min, cell.min);
          max = Math.max(max, cell.max);
          count += cell.count;
          cell.addTo(summed);
        }
        if (reset) {
          cell.reset();
        }
      }
    }
    boolean any = count > 0;
    if (reusablePoint != null) {
      return reusablePoint.set(startEpochNanos, epochNanos, attributes, sum, any, any ? min : 0, any, any ? max : 0,
          boundaryList, summed, exemplars);
    }
    return ImmutableHistogramPointData.create(startEpochNanos, epochNanos, attributes, sum, any, any ? min : 0, any,
        any ? max : 0, boundaryList, PrimitiveLongList.wrap(summed.clone()), exemplars);
  }

  /** The fields of a cell; collection reads them only under the cell's lock. */
  private static class CellFields {
    /** The bucket counts from {@link #PAD}, with as much room on either side. */
    final long[] counts;
    double sum;
    double min = Double.MAX_VALUE;
    double max = -1;
    long count;

    CellFields(int buckets) {
      counts = new long[buckets + 2 * PAD];
    }
  }

  /**
   * A cell with padding behind its fields and around its bucket counts. A collection copies the
   * cells of a series next to each other in the heap; without it, the lock word and fields of one
   * thread's cell would share a cache line with another's, and every record would pull the line
   * from the other core, as with one shared lock.
   */
  private static final class Cell extends CellFields {
    @SuppressWarnings("unused")
    private long q0, q1, q2, q3, q4, q5, q6, q7;

    Cell(int buckets) {
      super(buckets);
    }

    synchronized void record(double value, int bucket) {
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
      count++;
      counts[PAD + bucket]++;
    }

    void addTo(long[] summed) {
      for (int b = 0; b < summed.length; b++) {
        summed[b] += counts[PAD + b];
      }
    }

    void reset() {
      sum = 0;
      min = Double.MAX_VALUE;
      max = -1;
      count = 0;
      Arrays.fill(counts, 0);
    }
  }
}
