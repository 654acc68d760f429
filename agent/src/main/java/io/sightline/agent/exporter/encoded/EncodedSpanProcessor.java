package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.function.Supplier;

/**
 * In place of the SDK's {@code BatchSpanProcessor} for OTLP over HTTP/protobuf: the same queue of
 * ended, sampled spans; the worker writes each batch to protobuf in one pass ({@link EncodedBatcher}).
 */
public final class EncodedSpanProcessor extends EncodedProcessor<ReadableSpan> implements SpanProcessor {
  static final EncodedBatcher.Signal SPANS = new EncodedBatcher.Signal("span", "sightline-span-export",
      "otel.sdk.processor.span", "span", "batching_span_processor", "spans", "io.opentelemetry.sdk.trace");
  static final EncodedBatcher.Codec<ReadableSpan, SpanData> CODEC = new EncodedBatcher.Codec<ReadableSpan, SpanData>() {
    @Override
    public SpanData data(ReadableSpan span) {
      return span.toSpanData();
    }

    @Override
    public Resource resource(SpanData data) {
      return data.getResource();
    }

    @Override
    public InstrumentationScopeInfo scope(SpanData data) {
      return data.getInstrumentationScopeInfo();
    }

    @Override
    public void encode(ProtoBuffer out, SpanData data) {
      OtlpSpanEncoder.span(out, data);
    }
  };

  public EncodedSpanProcessor(EncodedSender sender, int maxQueueSize, int maxBatchSize, long delayNanos,
      long timeoutNanos, Supplier<MeterProvider> meterProvider) {
    super(new EncodedBatcher<>(SPANS, CODEC, sender, maxQueueSize, maxBatchSize, delayNanos, timeoutNanos,
        meterProvider));
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (span.getSpanContext().isSampled()) {
      enqueue(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }
}
