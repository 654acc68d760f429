package io.sightline.agent.exporter;

import io.opentelemetry.exporter.logging.otlp.internal.logs.OtlpStdoutLogRecordExporter;
import io.opentelemetry.exporter.logging.otlp.internal.metrics.OtlpStdoutMetricExporter;
import io.opentelemetry.exporter.logging.otlp.internal.traces.OtlpStdoutSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * {@code otlp-file}: every signal as OTLP-JSON lines (one export request per line, the format the
 * OpenTelemetry Collector's file exporter writes) to {@code sightline.otlp-file.path}, one file
 * for all signals.
 */
public final class OtlpFile {
  public static final String NAME = "otlp-file";
  public static final String PATH = "sightline.otlp-file.path";
  public static final String DEFAULT_PATH = "sightline-telemetry.jsonl";

  private OtlpFile() {}

  static LineFile file(ConfigProperties config) {
    return LineFile.forPath(config.getString(PATH, DEFAULT_PATH));
  }

  public static final class Spans implements ConfigurableSpanExporterProvider {
    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
      return OtlpStdoutSpanExporter.builder().setOutput(file(config).newLineStream()).setWrapperJsonObject(true).build();
    }
  }

  public static final class Metrics implements ConfigurableMetricExporterProvider {
    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public MetricExporter createExporter(ConfigProperties config) {
      return OtlpStdoutMetricExporter.builder().setOutput(file(config).newLineStream()).setWrapperJsonObject(true).build();
    }
  }

  public static final class Logs implements ConfigurableLogRecordExporterProvider {
    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public LogRecordExporter createExporter(ConfigProperties config) {
      return OtlpStdoutLogRecordExporter.builder().setOutput(file(config).newLineStream()).setWrapperJsonObject(true).build();
    }
  }
}
