package io.sightline.testing;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;

/** One metric of one export request, with its resource and scope and when it arrived. */
public record ReceivedMetric(Resource resource, InstrumentationScope scope, Metric metric, long receivedNanos) {
  public String name() {
    return metric.getName();
  }

  public List<HistogramDataPoint> histogramPoints() {
    return metric.getHistogram().getDataPointsList();
  }

  /** Sum or gauge points, whichever this metric has. */
  public List<NumberDataPoint> numberPoints() {
    if (metric.hasSum()) {
      return metric.getSum().getDataPointsList();
    }
    return metric.getGauge().getDataPointsList();
  }

  @Override
  public String toString() {
    return name() + " " + metric.getDataCase();
  }
}
