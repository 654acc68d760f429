package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.function.Supplier;

/**
 * In place of the SDK's {@code BatchLogRecordProcessor} for OTLP over HTTP/protobuf: the same queue
 * of emitted records (their data, taken on the emitting thread as the SDK's processor does); the
 * worker writes each batch to protobuf in one pass ({@link EncodedBatcher}).
 */
public final class EncodedLogRecordProcessor extends EncodedProcessor<LogRecordData> implements LogRecordProcessor {
  static final EncodedBatcher.Signal LOGS = new EncodedBatcher.Signal("log record", "sightline-log-export",
      "otel.sdk.processor.log", "{log_record}", "batching_log_processor", "log records", "io.opentelemetry.sdk.logs");
  static final EncodedBatcher.Codec<LogRecordData, LogRecordData> CODEC =
      new EncodedBatcher.Codec<LogRecordData, LogRecordData>() {
        @Override
        public LogRecordData data(LogRecordData log) {
          return log;
        }

        @Override
        public Resource resource(LogRecordData data) {
          return data.getResource();
        }

        @Override
        public InstrumentationScopeInfo scope(LogRecordData data) {
          return data.getInstrumentationScopeInfo();
        }

        @Override
        public void encode(ProtoBuffer out, LogRecordData data) {
          OtlpLogEncoder.logRecord(out, data);
        }
      };

  public EncodedLogRecordProcessor(EncodedSender sender, int maxQueueSize, int maxBatchSize, long delayNanos,
      long timeoutNanos, Supplier<MeterProvider> meterProvider) {
    super(new EncodedBatcher<>(LOGS, CODEC, sender, maxQueueSize, maxBatchSize, delayNanos, timeoutNanos,
        meterProvider));
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord logRecord) {
    enqueue(logRecord.toLogRecordData());
  }
}
