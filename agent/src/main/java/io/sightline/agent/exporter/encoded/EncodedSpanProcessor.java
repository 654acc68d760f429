package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.sightline.agent.records.FlatSpan;
import java.util.function.Supplier;

/**
 * In place of the SDK's {@code BatchSpanProcessor} for OTLP over HTTP/protobuf: the same queue of
 * ended, sampled spans; the worker writes each batch to protobuf in one pass ({@link EncodedBatcher}).
 */
public final class EncodedSpanProcessor extends EncodedProcessor<ReadableSpan> implements SpanProcessor {
  static final EncodedBatcher.Signal SPANS = new EncodedBatcher.Signal("span", "sightline-span-export",
      "otel.sdk.processor.span", "span", "batching_span_processor", "spans", "io.opentelemetry.sdk.trace");
  /**
   * An ended {@link FlatSpan} is its own data (nothing changes after its end) and is encoded from its
   * fields; any other span through its {@code SpanData} copy.
   */
  static final EncodedBatcher.Codec<ReadableSpan, Object> CODEC = new EncodedBatcher.Codec<ReadableSpan, Object>() {
    @Override
    public Object data(ReadableSpan span) {
      return span instanceof FlatSpan ? span : span.toSpanData();
    }

    @Override
    public Resource resource(Object data) {
      return data instanceof FlatSpan ? ((FlatSpan) data).resource() : ((SpanData) data).getResource();
    }

    @Override
    public InstrumentationScopeInfo scope(Object data) {
      return data instanceof FlatSpan
          ? ((FlatSpan) data).getInstrumentationScopeInfo() : ((SpanData) data).getInstrumentationScopeInfo();
    }

    @Override
    public void encode(ProtoBuffer out, Object data) {
      if (data instanceof FlatSpan) {
        OtlpSpanEncoder.span(out, (FlatSpan) data);
      } else {
        OtlpSpanEncoder.span(out, (SpanData) data);
      }
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
