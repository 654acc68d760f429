package io.sightline.agent;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.internal.OtlpConfigUtil;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sightline.agent.exporter.EncodedOtlpSender;
import io.sightline.agent.exporter.encoded.EncodedLogRecordProcessor;
import io.sightline.agent.exporter.encoded.EncodedSpanProcessor;
import io.sightline.instrumentation.api.Settings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Puts the encoded processors ({@link EncodedSpanProcessor}, {@link EncodedLogRecordProcessor}) in
 * place of the SDK's batch processors when the signal goes to the agent's OTLP exporter over
 * HTTP/protobuf (the default), the one case they cover. Every other set-up (gRPC, a console or
 * logging exporter, several exporters in one processor, an extension's exporter) keeps the SDK's
 * processor, as does {@value #KEY}{@code =false}.
 */
final class EncodedExport {
  static final String KEY = "sightline.export.one-pass-encoding";

  private EncodedExport() {}

  /**
   * The replacement for {@code processor}, or {@code processor} itself. A replaced processor is shut
   * down (its worker thread ends) without shutting down the exporter it hands over.
   */
  static SpanProcessor spans(SpanProcessor processor, ConfigProperties config, Supplier<MeterProvider> meters) {
    if (!(processor instanceof BatchSpanProcessor) || !applies(config, OtlpConfigUtil.DATA_TYPE_TRACES)) {
      return processor;
    }
    BatchSpanProcessor batch = (BatchSpanProcessor) processor;
    SpanExporter exporter = batch.getSpanExporter();
    if (!(exporter instanceof AgentTelemetry.UntracedSpanExporter)) {
      return processor;
    }
    AgentTelemetry.UntracedSpanExporter untraced = (AgentTelemetry.UntracedSpanExporter) exporter;
    EncodedOtlpSender sender = EncodedOtlpSender.of(untraced.delegate());
    if (sender == null) {
      return processor;
    }
    BatchSettings settings = new BatchSettings(config, "otel.bsp", 5000);
    SpanProcessor replacement = new EncodedSpanProcessor(sender, settings.queueSize, settings.batchSize,
        settings.delayNanos, settings.timeoutNanos, meters);
    untraced.detach();
    batch.shutdown().join(1, TimeUnit.SECONDS);
    return replacement;
  }

  /** The same for log records and the SDK's {@code BatchLogRecordProcessor} ({@code otel.blrp.*}). */
  static LogRecordProcessor logs(LogRecordProcessor processor, ConfigProperties config,
      Supplier<MeterProvider> meters) {
    if (!(processor instanceof BatchLogRecordProcessor) || !applies(config, OtlpConfigUtil.DATA_TYPE_LOGS)) {
      return processor;
    }
    BatchLogRecordProcessor batch = (BatchLogRecordProcessor) processor;
    LogRecordExporter exporter = batch.getLogRecordExporter();
    if (!(exporter instanceof AgentTelemetry.UntracedLogRecordExporter)) {
      return processor;
    }
    AgentTelemetry.UntracedLogRecordExporter untraced = (AgentTelemetry.UntracedLogRecordExporter) exporter;
    EncodedOtlpSender sender = EncodedOtlpSender.of(untraced.delegate());
    if (sender == null) {
      return processor;
    }
    BatchSettings settings = new BatchSettings(config, "otel.blrp", 1000);
    LogRecordProcessor replacement = new EncodedLogRecordProcessor(sender, settings.queueSize, settings.batchSize,
        settings.delayNanos, settings.timeoutNanos, meters);
    untraced.detach();
    batch.shutdown().join(1, TimeUnit.SECONDS);
    return replacement;
  }

  private static boolean applies(ConfigProperties config, String signal) {
    return Settings.getBoolean(KEY, true)
        && OtlpConfigUtil.PROTOCOL_HTTP_PROTOBUF.equals(OtlpConfigUtil.getOtlpProtocol(signal, config));
  }

  /**
   * A batch processor's settings under {@code prefix}, with the SDK's defaults (ConfigValidator has
   * replaced malformed values already), as the SDK's processor was built with them.
   */
  static final class BatchSettings {
    final int queueSize;
    final int batchSize;
    final long delayNanos;
    final long timeoutNanos;

    BatchSettings(ConfigProperties config, String prefix, long defaultDelayMillis) {
      queueSize = config.getInt(prefix + ".max.queue.size", 2048);
      batchSize = config.getInt(prefix + ".max.export.batch.size", 512);
      delayNanos = nanos(config.getDuration(prefix + ".schedule.delay", Duration.ofMillis(defaultDelayMillis)));
      timeoutNanos = nanos(config.getDuration(prefix + ".export.timeout", Duration.ofMillis(30_000)));
    }

    private static long nanos(Duration duration) {
      return duration.isZero() || duration.isNegative() ? Long.MAX_VALUE : duration.toNanos();
    }
  }
}
