package io.sightline.agent.exporter;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;

/**
 * {@code console}: one human-readable line per span, metric point and log record on stderr,
 * written directly (never through java.util.logging, which the application may route into the
 * very logs we capture).
 */
public final class Console {
  public static final String NAME = "console";

  private Console() {}

  static synchronized void print(String line) {
    PrintStream err = System.err;
    if (err != null) {
      err.println(line);
    }
  }

  static String format(Attributes attributes) {
    if (attributes.isEmpty()) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder("{");
    attributes.forEach((key, value) -> {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(key.getKey()).append('=').append(value);
    });
    return sb.append('}').toString();
  }

  public static final class Spans implements ConfigurableSpanExporterProvider {
    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
      return new SpanExporter() {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
          for (SpanData span : spans) {
            print(String.format(Locale.ROOT, "[sightline] span '%s' %s trace=%s span=%s parent=%s %.3fms %s %s",
                span.getName(), span.getKind(), span.getTraceId(), span.getSpanId(),
                span.getParentSpanContext().isValid() ? span.getParentSpanId() : "-",
                (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6,
                span.getStatus().getStatusCode(), format(span.getAttributes())));
          }
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
          return CompletableResultCode.ofSuccess();
        }
      };
    }
  }

  public static final class Metrics implements ConfigurableMetricExporterProvider {
    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public MetricExporter createExporter(ConfigProperties config) {
      return new MetricExporter() {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
          for (MetricData metric : metrics) {
            for (PointData point : metric.getData().getPoints()) {
              print("[sightline] metric " + metric.getName() + describe(point) + " " + metric.getUnit()
                  + " " + format(point.getAttributes()));
            }
          }
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
          return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public MemoryMode getMemoryMode() {
          return MemoryMode.IMMUTABLE_DATA;
        }

        @Override
        public CompletableResultCode flush() {
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
          return CompletableResultCode.ofSuccess();
        }
      };
    }

    private static String describe(PointData point) {
      if (point instanceof HistogramPointData) {
        HistogramPointData h = (HistogramPointData) point;
        return String.format(Locale.ROOT, " count=%d sum=%.6f", h.getCount(), h.getSum());
      }
      if (point instanceof LongPointData) {
        return " value=" + ((LongPointData) point).getValue();
      }
      if (point instanceof DoublePointData) {
        return " value=" + ((DoublePointData) point).getValue();
      }
      return " " + point;
    }
  }

  public static final class Logs implements ConfigurableLogRecordExporterProvider {
    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public LogRecordExporter createExporter(ConfigProperties config) {
      return new LogRecordExporter() {
        @Override
        public CompletableResultCode export(Collection<LogRecordData> logs) {
          for (LogRecordData log : logs) {
            print("[sightline] log " + Instant.ofEpochSecond(0, log.getTimestampEpochNanos()) + " "
                + log.getSeverity() + " " + log.getInstrumentationScopeInfo().getName() + ": "
                + log.getBodyValue() + " trace=" + log.getSpanContext().getTraceId()
                + " span=" + log.getSpanContext().getSpanId() + " " + format(log.getAttributes()));
          }
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
          return CompletableResultCode.ofSuccess();
        }
      };
    }
  }
}
