package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.function.Supplier;

/**
 * In place of the SDK's {@code BatchSpanProcessor} for OTLP over HTTP/protobuf: a sampled span is
 * encoded when it ends, on the thread that ends it, and only its bytes wait for the export
 * ({@link EncodedBatcher}).
 */
public final class EncodedSpanProcessor implements SpanProcessor {
  static final EncodedBatcher.Signal SPANS = new EncodedBatcher.Signal("span", "sightline-span-export",
      "otel.sdk.processor.span", "span", "batching_span_processor", "spans", "io.opentelemetry.sdk.trace");
  private static final EncodedBatcher.Encoder<SpanData> ENCODER = OtlpSpanEncoder::span;

  private final EncodedBatcher batcher;

  public EncodedSpanProcessor(EncodedSender sender, int maxQueueSize, int maxBatchSize, long delayNanos,
      long timeoutNanos, Supplier<MeterProvider> meterProvider) {
    batcher = new EncodedBatcher(SPANS, sender, maxQueueSize, maxBatchSize, delayNanos, timeoutNanos, meterProvider);
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (!span.getSpanContext().isSampled() || batcher.isShutdown()) {
      return;
    }
    SpanData data = span.toSpanData();
    batcher.add(ENCODER, data, data.getResource(), data.getInstrumentationScopeInfo());
  }

  /** The bytes {@link #onEnd} queues for {@code span} (tests). */
  static byte[] encode(ReadableSpan span) {
    return EncodedBatcher.encode(ENCODER, span.toSpanData());
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return batcher.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return batcher.shutdown();
  }

  long dropped() {
    return batcher.dropped();
  }

  long exported() {
    return batcher.exported();
  }

  @Override
  public String toString() {
    return "EncodedSpanProcessor{" + batcher + "}";
  }
}
