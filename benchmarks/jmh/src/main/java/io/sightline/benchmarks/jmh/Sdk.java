package io.sightline.benchmarks.jmh;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;

/**
 * The SDK as the agent builds it (batch span processor, periodic metric reader), with exporters
 * that discard, so that a benchmark measures the recording path and not the network.
 */
final class Sdk {
  private Sdk() {}

  static OpenTelemetrySdk create(boolean sampled) {
    SpanExporter discardSpans = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
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
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder().put("service.name", "jmh").build()));
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(resource)
            .setSampler(Sampler.parentBased(sampled ? Sampler.alwaysOn() : Sampler.alwaysOff()))
            .addSpanProcessor(BatchSpanProcessor.builder(discardSpans).build())
            .build())
        .setMeterProvider(SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(metricReader())
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** A periodic reader (60 s, so it does not collect during a benchmark) over an exporter that discards. */
  static MetricReader metricReader() {
    return PeriodicMetricReader.builder(discardMetrics()).setInterval(Duration.ofSeconds(60)).build();
  }

  private static MetricExporter discardMetrics() {
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<io.opentelemetry.sdk.metrics.data.MetricData> metrics) {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
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
