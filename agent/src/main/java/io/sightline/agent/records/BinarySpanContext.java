package io.sightline.agent.records;

import io.opentelemetry.api.internal.ImmutableSpanContext;
import io.opentelemetry.api.internal.OtelEncodingUtils;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The context of a span this process started with the SDK's default random ids: the ids kept as
 * the numbers they were drawn as. Their hex form is made only when someone asks for it (a
 * propagator, the logging context, a sampler), and then kept. The OTLP encoder writes the numbers
 * as they are ({@link #traceIdHigh}, {@link #traceIdLow}, {@link #spanIdLong}).
 *
 * <p>Why: the export worker used to decode each span's and log record's hex ids back into bytes,
 * about a fifth of its CPU (docs/benchmarks.md, twenty-fourth pass), and most span ids were
 * made hex only to be decoded again (a database span's id is never propagated).
 *
 * <p>It is an {@link ImmutableSpanContext}, equal to and hashing as the SDK's own context with the
 * same ids, flags and state, both ways round. A local context: never remote, always valid.
 */
public final class BinarySpanContext extends ImmutableSpanContext {
  private final long traceIdHigh;
  private final long traceIdLow;
  private final long spanId;
  private final TraceFlags traceFlags;
  private final TraceState traceState;
  // Made on first use. A racy cache: a String is immutable, so a thread sees it whole or not at all
  // (and then makes an equal one).
  private String traceIdHex;
  private String spanIdHex;

  BinarySpanContext(long traceIdHigh, long traceIdLow, String traceIdHex, long spanId, TraceFlags traceFlags,
      TraceState traceState) {
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
    this.traceIdHex = traceIdHex;
    this.spanId = spanId;
    this.traceFlags = traceFlags;
    this.traceState = traceState;
  }

  /** The trace id's numbers of any valid context: kept ones as they are, others read from the hex. */
  static long traceIdHigh(SpanContext context) {
    return context instanceof BinarySpanContext ? ((BinarySpanContext) context).traceIdHigh
        : OtelEncodingUtils.longFromBase16String(context.getTraceId(), 0);
  }

  static long traceIdLow(SpanContext context) {
    return context instanceof BinarySpanContext ? ((BinarySpanContext) context).traceIdLow
        : OtelEncodingUtils.longFromBase16String(context.getTraceId(), 16);
  }

  public long traceIdHigh() {
    return traceIdHigh;
  }

  public long traceIdLow() {
    return traceIdLow;
  }

  public long spanIdLong() {
    return spanId;
  }

  @Override
  public String getTraceId() {
    String hex = traceIdHex;
    if (hex == null) {
      hex = hex(traceIdHigh, traceIdLow);
      traceIdHex = hex;
    }
    return hex;
  }

  @Override
  public String getSpanId() {
    String hex = spanIdHex;
    if (hex == null) {
      hex = hex(spanId);
      spanIdHex = hex;
    }
    return hex;
  }

  /**
   * Lowercase hex of a 16-byte id, in an array of its own. Not {@code TraceId.fromLongs}: that
   * writes through the thread's shared scratch buffer, which the W3C propagator is itself filling
   * when it asks a context for its ids, so a lazy id made there would overwrite the header.
   */
  static String hex(long high, long low) {
    char[] digits = new char[32];
    OtelEncodingUtils.longToBase16String(high, digits, 0);
    OtelEncodingUtils.longToBase16String(low, digits, 16);
    return new String(digits);
  }

  /** Lowercase hex of an 8-byte id, in an array of its own (see {@link #hex(long, long)}). */
  static String hex(long id) {
    char[] digits = new char[16];
    OtelEncodingUtils.longToBase16String(id, digits, 0);
    return new String(digits);
  }

  @Override
  public TraceFlags getTraceFlags() {
    return traceFlags;
  }

  @Override
  public TraceState getTraceState() {
    return traceState;
  }

  @Override
  public boolean isRemote() {
    return false;
  }

  @Override
  public boolean isValid() {
    return true;
  }

  /** As the SDK's context compares: ids, flags, state, remote, valid. */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (o instanceof BinarySpanContext) {
      BinarySpanContext that = (BinarySpanContext) o;
      return traceIdHigh == that.traceIdHigh && traceIdLow == that.traceIdLow && spanId == that.spanId
          && traceFlags.equals(that.traceFlags) && traceState.equals(that.traceState);
    }
    if (!(o instanceof ImmutableSpanContext)) {
      return false;
    }
    ImmutableSpanContext that = (ImmutableSpanContext) o;
    return getTraceId().equals(that.getTraceId()) && getSpanId().equals(that.getSpanId())
        && traceFlags.equals(that.getTraceFlags()) && traceState.equals(that.getTraceState())
        && !that.isRemote() && that.isValid();
  }

  /** The SDK's context's hash of the same values. */
  @Override
  public int hashCode() {
    int h = 1;
    h *= 1000003;
    h ^= getTraceId().hashCode();
    h *= 1000003;
    h ^= getSpanId().hashCode();
    h *= 1000003;
    h ^= traceFlags.hashCode();
    h *= 1000003;
    h ^= traceState.hashCode();
    h *= 1000003;
    h ^= 1237; // not remote
    h *= 1000003;
    h ^= 1231; // valid
    return h;
  }

  @Override
  public String toString() {
    return "ImmutableSpanContext{traceId=" + getTraceId() + ", spanId=" + getSpanId() + ", traceFlags=" + traceFlags
        + ", traceState=" + traceState + ", remote=false, valid=true}";
  }
}
