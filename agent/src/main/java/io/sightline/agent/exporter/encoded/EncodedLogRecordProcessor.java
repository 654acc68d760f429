package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import java.util.function.Supplier;

/**
 * In place of the SDK's {@code BatchLogRecordProcessor} for OTLP over HTTP/protobuf: a log record is
 * encoded when it is emitted, on the thread that emits it, and only its bytes wait for the export
 * ({@link EncodedBatcher}).
 */
public final class EncodedLogRecordProcessor implements LogRecordProcessor {
  static final EncodedBatcher.Signal LOGS = new EncodedBatcher.Signal("log", "sightline-log-export",
      "otel.sdk.processor.log", "{log_record}", "batching_log_processor", "log records", "io.opentelemetry.sdk.logs");
  private static final EncodedBatcher.Encoder<LogRecordData> ENCODER = OtlpLogEncoder::logRecord;

  private final EncodedBatcher batcher;

  public EncodedLogRecordProcessor(EncodedSender sender, int maxQueueSize, int maxBatchSize, long delayNanos,
      long timeoutNanos, Supplier<MeterProvider> meterProvider) {
    batcher = new EncodedBatcher(LOGS, sender, maxQueueSize, maxBatchSize, delayNanos, timeoutNanos, meterProvider);
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord logRecord) {
    if (batcher.isShutdown()) {
      return;
    }
    LogRecordData data = logRecord.toLogRecordData();
    batcher.add(ENCODER, data, data.getResource(), data.getInstrumentationScopeInfo());
  }

  /** The bytes {@link #onEmit} queues for {@code logRecord} (tests). */
  static byte[] encode(LogRecordData logRecord) {
    return EncodedBatcher.encode(ENCODER, logRecord);
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
    return "EncodedLogRecordProcessor{" + batcher + "}";
  }
}
