package io.sightline.agent.diagnose;

import java.util.Locale;

/** Durations for people: three significant digits, in ms below a second. */
final class Durations {
  private Durations() {}

  static String format(double nanos) {
    double ms = nanos / 1e6;
    if (ms < 9.995) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (ms < 99.95) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    if (ms < 999.5) {
      return String.format(Locale.ROOT, "%.0f ms", ms);
    }
    double s = ms / 1000;
    if (s < 9.995) {
      return String.format(Locale.ROOT, "%.2f s", s);
    }
    if (s < 99.95) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    return String.format(Locale.ROOT, "%.0f s", s);
  }

  /** Milliseconds with microsecond precision, for JSON. */
  static double millis(double nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }
}
