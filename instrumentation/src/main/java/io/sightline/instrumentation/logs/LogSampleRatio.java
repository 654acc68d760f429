package io.sightline.instrumentation.logs;

import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.sightline.instrumentation.api.Settings;

/**
 * {@code sightline.logs.sample-ratio}: the share of below-WARN records of unsampled traces that are
 * exported, decided on the trace id so that a request keeps all of its lines or none. Read by the
 * log instrumentations, which drop such records before building them, and by the agent, which holds
 * those of traces still waiting for their outcome (outcome-aware keeping) instead.
 */
public final class LogSampleRatio {
  public static final String KEY = "sightline.logs.sample-ratio";
  private static final int WARN = Severity.WARN.getSeverityNumber();

  private static volatile LogSampleRatio configured;

  private final boolean sampling;
  private final long keepBound;

  /** A fixed ratio in [0, 1], not read from the settings. */
  public static LogSampleRatio of(double ratio) {
    return new LogSampleRatio(ratio);
  }

  private LogSampleRatio(double ratio) {
    this.sampling = ratio < 1.0;
    this.keepBound = (long) (ratio * Long.MAX_VALUE);
  }

  /**
   * The setting, read once (each log instrumentation and the agent ask); a malformed or
   * out-of-range value warns and means 1 (every record).
   */
  public static LogSampleRatio fromSettings() {
    LogSampleRatio ratio = configured;
    if (ratio == null) {
      ratio = read();
      configured = ratio;
    }
    return ratio;
  }

  private static LogSampleRatio read() {
    String raw = Settings.getString(KEY, null);
    if (raw == null || raw.trim().isEmpty()) {
      return new LogSampleRatio(1.0);
    }
    try {
      double ratio = Double.parseDouble(raw.trim());
      if (ratio < 0 || ratio > 1 || Double.isNaN(ratio)) {
        throw new NumberFormatException("out of [0, 1]");
      }
      return new LogSampleRatio(ratio);
    } catch (NumberFormatException e) {
      Settings.warnInvalid(KEY, raw, "1.0");
      return new LogSampleRatio(1.0);
    }
  }

  /** Whether any record is ever left out (the ratio is below 1). */
  public boolean sampling() {
    return sampling;
  }

  /**
   * Whether a record of this severity, logged in this span's context, is exported: always at WARN
   * and above, outside a trace and in a sampled trace; otherwise when the trace id falls within the
   * ratio.
   */
  public boolean keeps(int severityNumber, SpanContext span) {
    if (!sampling || severityNumber >= WARN || !span.isValid() || span.isSampled()) {
      return true;
    }
    // The trace id's low 64 bits are random (W3C trace context), as the SDK's ratio sampler assumes.
    long random = Long.parseUnsignedLong(span.getTraceId().substring(16), 16) & Long.MAX_VALUE;
    return random < keepBound;
  }
}
