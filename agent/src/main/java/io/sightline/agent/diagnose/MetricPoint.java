package io.sightline.agent.diagnose;

/** One data point of a connection-pool metric, as read from an OTLP-JSON metrics line. */
final class MetricPoint {
  static final int DELTA = 1;

  String name = "";
  String unit = "";
  int temporality;
  String pool = "";
  String state = "";
  long startNanos;
  long timeNanos;
  /** Gauge or sum value. */
  double value;
  /** Histogram count, sum and max (NaN when the point has none). */
  long count;
  double sum;
  double max = Double.NaN;
}
