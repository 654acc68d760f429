package io.sightline.agent.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.internal.OtlpMetricExporterProvider;
import io.opentelemetry.exporter.otlp.internal.OtlpSpanExporterProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyOtlpTest {
  /** The real OTLP span provider, counting how often it is asked to create an exporter. */
  private static class CountingSpanProvider implements ConfigurableSpanExporterProvider {
    final AtomicInteger created = new AtomicInteger();
    private final ConfigurableSpanExporterProvider real;

    CountingSpanProvider(ConfigurableSpanExporterProvider real) {
      this.real = real;
    }

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
      created.incrementAndGet();
      return real.createExporter(config);
    }

    @Override
    public String getName() {
      return "otlp";
    }
  }

  private static ConfigProperties config(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    map.put("otel.exporter.otlp.protocol", "http/protobuf");
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return DefaultConfigProperties.createFromMap(map);
  }

  private static List<String> names(Iterable<?> providers) {
    List<String> names = new ArrayList<>();
    for (Object p : providers) {
      names.add(p.getClass().getName());
    }
    return names;
  }

  /** One ended span's data, made by the SDK. */
  static List<SpanData> endedSpan() {
    return endedSpan("concurrent");
  }

  /** One ended span's data named {@code name}, made by the SDK. */
  static List<SpanData> endedSpan(String name) {
    List<SpanData> ended = new ArrayList<>();
    SpanExporter collecting = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        ended.addAll(spans);
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
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collecting)).build()) {
      tracing.get("test").spanBuilder(name).startSpan().end();
    }
    return List.copyOf(ended);
  }

  @Test
  void theLoaderReplacesOnlyTheOtlpExporterProviders() {
    ComponentLoader plain = ComponentLoader.forClassLoader(LazyOtlpTest.class.getClassLoader());
    ComponentLoader lazy = LazyOtlp.componentLoader(plain);

    List<String> spans = names(lazy.load(ConfigurableSpanExporterProvider.class));
    List<String> expectedSpans = names(plain.load(ConfigurableSpanExporterProvider.class));
    expectedSpans.replaceAll(n -> n.equals(OtlpSpanExporterProvider.class.getName()) ? LazyOtlp.SpanProvider.class.getName() : n);
    assertThat(spans).isEqualTo(expectedSpans).contains(LazyOtlp.SpanProvider.class.getName(), Console.Spans.class.getName(),
        OtlpFile.Spans.class.getName());

    List<String> metrics = names(lazy.load(ConfigurableMetricExporterProvider.class));
    List<String> expectedMetrics = names(plain.load(ConfigurableMetricExporterProvider.class));
    expectedMetrics.replaceAll(n -> n.equals(OtlpMetricExporterProvider.class.getName()) ? LazyOtlp.MetricProvider.class.getName() : n);
    assertThat(metrics).isEqualTo(expectedMetrics).contains(LazyOtlp.MetricProvider.class.getName(), Console.Metrics.class.getName());

    List<String> logs = names(lazy.load(ConfigurableLogRecordExporterProvider.class));
    List<String> expectedLogs = names(plain.load(ConfigurableLogRecordExporterProvider.class));
    expectedLogs.replaceAll(n -> n.equals("io.opentelemetry.exporter.otlp.internal.OtlpLogRecordExporterProvider") ? LazyOtlp.LogRecordProvider.class.getName() : n);
    assertThat(logs).isEqualTo(expectedLogs).contains(LazyOtlp.LogRecordProvider.class.getName(), Console.Logs.class.getName());

    // Other component types pass through untouched.
    assertThat(names(lazy.load(io.opentelemetry.sdk.autoconfigure.spi.internal.ConfigurableMetricReaderProvider.class)))
        .isEqualTo(names(plain.load(io.opentelemetry.sdk.autoconfigure.spi.internal.ConfigurableMetricReaderProvider.class)));
  }

  @Test
  void theMetricExporterAnswersLikeTheRealOneWithoutCreatingIt() {
    List<ConfigProperties> configs = List.of(
        config(),
        config("otel.exporter.otlp.metrics.temporality.preference", "cumulative"),
        config("otel.exporter.otlp.metrics.temporality.preference", "delta"),
        config("otel.exporter.otlp.metrics.temporality.preference", "LowMemory"),
        config("otel.exporter.otlp.metrics.default.histogram.aggregation", "base2_exponential_bucket_histogram"),
        config("otel.exporter.otlp.metrics.default.histogram.aggregation", "explicit_bucket_histogram"),
        config("otel.java.exporter.memory_mode", "immutable_data"),
        config("otel.java.exporter.memory_mode", "reusable_data"),
        config("otel.exporter.otlp.metrics.temporality.preference", "delta",
            "otel.exporter.otlp.metrics.default.histogram.aggregation", "base2_exponential_bucket_histogram",
            "otel.java.exporter.memory_mode", "immutable_data"));
    for (ConfigProperties config : configs) {
      AtomicInteger created = new AtomicInteger();
      ConfigurableMetricExporterProvider counting = new ConfigurableMetricExporterProvider() {
        @Override
        public MetricExporter createExporter(ConfigProperties c) {
          created.incrementAndGet();
          return new OtlpMetricExporterProvider().createExporter(c);
        }

        @Override
        public String getName() {
          return "otlp";
        }
      };
      MetricExporter lazy = new LazyOtlp.MetricProvider(counting).createExporter(config);
      MetricExporter real = new OtlpMetricExporterProvider().createExporter(config);
      try {
        for (InstrumentType type : InstrumentType.values()) {
          assertThat(lazy.getAggregationTemporality(type)).as("%s %s", type, config).isEqualTo(real.getAggregationTemporality(type));
          assertThat(lazy.getDefaultAggregation(type)).as("%s %s", type, config).isEqualTo(real.getDefaultAggregation(type));
        }
        assertThat(lazy.getMemoryMode()).isEqualTo(real.getMemoryMode());
        assertThat(lazy.toString()).isEqualTo("LazyOtlpExporter{signal=metrics, created=false}");
        assertThat(lazy.flush().isSuccess()).isTrue();
        assertThat(created).hasValue(0);
      } finally {
        real.shutdown().join(5, TimeUnit.SECONDS);
        lazy.shutdown().join(5, TimeUnit.SECONDS);
      }
      assertThat(created).hasValue(0);
    }
  }

  @Test
  void theSpanExporterIsCreatedOnceOnTheFirstExportAndThenDelegates() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink()) {
      CountingSpanProvider provider = new CountingSpanProvider(new OtlpSpanExporterProvider());
      SpanExporter lazy = new LazyOtlp.SpanProvider(provider)
          .createExporter(config("otel.exporter.otlp.endpoint", sink.endpoint()));
      assertThat(lazy.toString()).isEqualTo("LazyOtlpExporter{signal=traces, created=false}");
      assertThat(lazy.flush().isSuccess()).isTrue();
      assertThat(provider.created).hasValue(0);

      SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(lazy)).build();
      tracing.get("test").spanBuilder("first").startSpan().end();
      tracing.forceFlush().join(10, TimeUnit.SECONDS);
      tracing.get("test").spanBuilder("second").startSpan().end();
      tracing.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(sink.posts("/v1/traces")).isEqualTo(2);
      assertThat(provider.created).hasValue(1);
      assertThat(lazy.toString()).startsWith("OtlpHttpSpanExporter{");
      assertThat(tracing.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(provider.created).hasValue(1);
    }
  }

  @Test
  void shutdownBeforeAnyExportCreatesNothingAndLaterExportsFail() {
    CountingSpanProvider provider = new CountingSpanProvider(new OtlpSpanExporterProvider());
    SpanExporter lazy = new LazyOtlp.SpanProvider(provider).createExporter(config());
    assertThat(lazy.shutdown().isSuccess()).isTrue();
    assertThat(lazy.export(List.of()).isSuccess()).isFalse();
    assertThat(provider.created).hasValue(0);
  }

  @Test
  void concurrentFirstExportsCreateTheExporterOnce() throws Exception {
    try (LoopbackOtlpSink sink = new LoopbackOtlpSink()) {
      CountingSpanProvider provider = new CountingSpanProvider(new OtlpSpanExporterProvider());
      SpanExporter lazy = new LazyOtlp.SpanProvider(provider)
          .createExporter(config("otel.exporter.otlp.endpoint", sink.endpoint()));
      List<SpanData> span = endedSpan();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<CompletableResultCode>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          results.add(pool.submit(() -> {
            go.await();
            return lazy.export(span);
          }));
        }
        go.countDown();
        int succeeded = 0;
        for (Future<CompletableResultCode> result : results) {
          // The JDK sender runs at most 5 requests at once and rejects more (the SDK's processors
          // export one batch at a time): count what went through.
          if (result.get(10, TimeUnit.SECONDS).join(10, TimeUnit.SECONDS).isSuccess()) {
            succeeded++;
          }
        }
        assertThat(succeeded).isPositive();
        assertThat(sink.posts("/v1/traces")).isEqualTo(succeeded);
      } finally {
        pool.shutdownNow();
      }
      assertThat(provider.created).hasValue(1);
      lazy.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedCreationWarnsOnceAndEveryExportFailsWithoutRetrying() {
    AtomicInteger attempts = new AtomicInteger();
    ConfigurableSpanExporterProvider failing = new ConfigurableSpanExporterProvider() {
      @Override
      public SpanExporter createExporter(ConfigProperties config) {
        attempts.incrementAndGet();
        throw new IllegalStateException("no sender");
      }

      @Override
      public String getName() {
        return "otlp";
      }
    };
    SpanExporter lazy = new LazyOtlp.SpanProvider(failing).createExporter(config());
    Collection<SpanData> none = List.of();
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      assertThat(lazy.export(none).isSuccess()).isFalse();
      assertThat(lazy.export(none).isSuccess()).isFalse();
      assertThat(lazy.flush().isSuccess()).isTrue();
      assertThat(lazy.shutdown().isSuccess()).isTrue();
    } finally {
      System.setErr(original);
    }
    assertThat(attempts).hasValue(1);
    assertThat(buffer.toString(StandardCharsets.UTF_8).lines()).containsExactly(
        "[sightline] WARN the OTLP exporter for traces could not be created"
            + " (java.lang.IllegalStateException: no sender); traces are not exported");
  }

  /** The OTLP providers learn the SDK's meter provider (for the exporters' own metrics) this way. */
  @Test
  void theOriginalProvidersListenerCallIsForwarded() {
    List<OpenTelemetrySdk> seen = new ArrayList<>();
    class ListeningProvider extends CountingSpanProvider implements AutoConfigureListener {
      ListeningProvider() {
        super(new OtlpSpanExporterProvider());
      }

      @Override
      public void afterAutoConfigure(OpenTelemetrySdk sdk) {
        seen.add(sdk);
      }
    }
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build()) {
      Object wrapper = new LazyOtlp.SpanProvider(new ListeningProvider());
      assertThat(wrapper).isInstanceOf(AutoConfigureListener.class);
      ((AutoConfigureListener) wrapper).afterAutoConfigure(sdk);
      assertThat(seen).containsExactly(sdk);
      // A provider that does not listen: nothing to forward, nothing thrown.
      new LazyOtlp.SpanProvider(new CountingSpanProvider(new OtlpSpanExporterProvider())).afterAutoConfigure(sdk);
    }
  }

  @Test
  void settingsTheSdkRejectsStillFailWhenTheSdkIsBuilt() throws Exception {
    CountingSpanProvider provider = new CountingSpanProvider(new OtlpSpanExporterProvider());
    assertThatThrownBy(() -> new LazyOtlp.SpanProvider(provider)
        .createExporter(config("otel.exporter.otlp.headers", "no-equals-sign")))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> new LazyOtlp.SpanProvider(provider)
        .createExporter(config("otel.exporter.otlp.traces.certificate", "/nonexistent/ca.pem")))
        .isInstanceOf(ConfigurationException.class);
    Path garbage = Files.createTempFile("not-a-certificate", ".pem");
    try {
      Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
      assertThatThrownBy(() -> new LazyOtlp.SpanProvider(provider)
          .createExporter(config("otel.exporter.otlp.traces.certificate", garbage.toString())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Error creating X509TrustManager with provided certs. Are they valid X.509 in PEM format?");
      // The real provider fails the same way: the same message reaches AgentTelemetry's warning.
      assertThatThrownBy(() -> new OtlpSpanExporterProvider()
          .createExporter(config("otel.exporter.otlp.traces.certificate", garbage.toString())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Error creating X509TrustManager with provided certs. Are they valid X.509 in PEM format?");
    } finally {
      Files.delete(garbage);
    }
    assertThatThrownBy(() -> new LazyOtlp.MetricProvider(new OtlpMetricExporterProvider())
        .createExporter(config("otel.exporter.otlp.metrics.temporality.preference", "sometimes")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Unrecognized aggregation temporality: sometimes");
    assertThat(provider.created).hasValue(0);
  }
}
