package io.sightline.agent.exporter;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.internal.ExporterBuilderUtil;
import io.opentelemetry.exporter.internal.TlsConfigHelper;
import io.opentelemetry.exporter.otlp.internal.OtlpConfigUtil;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sightline.bootstrap.AgentLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * OTLP exporters created on first use rather than when the SDK is built.
 *
 * <p>Creating an OTLP exporter creates its sender and resolves its TLS settings; with the SDK's
 * sender on the JDK {@code HttpClient} (bundled until the agent had its own,
 * {@link UrlConnectionSender}), that initialised the JDK's default TLS context even for http://
 * endpoints. At premain that was most of the SDK's start cost, on a thread that competes with the
 * application's own start, for an exporter first needed seconds later. {@link #componentLoader}
 * gives autoconfigure the bundled providers with the one named {@code otlp} of each signal wrapped:
 * its {@code createExporter} checks the configuration now (so that bad settings still fail the start,
 * as before) and returns an exporter that calls the real provider's {@code createExporter} on its
 * first export.
 *
 * <p>Which thread creates it: the SDK calls {@code export} only from the processors' and reader's own
 * threads. {@code BatchSpanProcessor} and {@code BatchLogRecordProcessor} export only in their worker
 * thread (forceFlush and shutdown hand the work to the worker); {@code PeriodicMetricReader} exports
 * on its scheduler thread, or on the thread calling its forceFlush / shutdown, which in Sightline is
 * only the agent's own shutdown thread ({@code sdk.shutdown()}). So no application thread ever pays
 * for the creation. {@code flush} and {@code shutdown} never create the exporter.
 */
public final class LazyOtlp {
  /** The JVM is shutting down: the OTLP senders try each export once, with no backoff. */
  public static void shuttingDown() {
    UrlConnectionSender.shuttingDown();
  }

  static final String NAME = "otlp";

  private LazyOtlp() {}

  /**
   * The components {@code delegate} loads, with the providers of the OTLP span, metric and log
   * exporters replaced by lazy ones.
   */
  public static ComponentLoader componentLoader(ComponentLoader delegate) {
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        Iterable<T> loaded = delegate.load(type);
        if (type != ConfigurableSpanExporterProvider.class && type != ConfigurableMetricExporterProvider.class
            && type != ConfigurableLogRecordExporterProvider.class) {
          return loaded;
        }
        List<T> result = new ArrayList<>();
        for (T component : loaded) {
          result.add(type.cast(wrap(component)));
        }
        return result;
      }
    };
  }

  private static Object wrap(Object provider) {
    if (provider instanceof ConfigurableSpanExporterProvider
        && NAME.equals(((ConfigurableSpanExporterProvider) provider).getName())) {
      return new SpanProvider((ConfigurableSpanExporterProvider) provider);
    }
    if (provider instanceof ConfigurableMetricExporterProvider
        && NAME.equals(((ConfigurableMetricExporterProvider) provider).getName())) {
      return new MetricProvider((ConfigurableMetricExporterProvider) provider);
    }
    if (provider instanceof ConfigurableLogRecordExporterProvider
        && NAME.equals(((ConfigurableLogRecordExporterProvider) provider).getName())) {
      return new LogRecordProvider((ConfigurableLogRecordExporterProvider) provider);
    }
    return provider;
  }

  /**
   * Runs OpenTelemetry's own parsing of the OTLP settings of {@code signal} (endpoint, headers,
   * compression, timeout, certificate files and their PEM content, retry, memory mode) without
   * building a sender, so that a setting the SDK would reject still fails the SDK's start with the
   * SDK's own message. Certificates, when configured, go through the SDK's own {@link TlsConfigHelper}
   * as the exporter builder would (parsing the PEM into trust and key managers; no SSLContext, no
   * default trust store).
   */
  static void checkConfiguration(String signal, ConfigProperties config) {
    TlsConfigHelper tls = new TlsConfigHelper();
    OtlpConfigUtil.configureOtlpExporterBuilder(signal, config,
        loader -> { }, endpoint -> { }, (key, value) -> { }, compression -> { }, timeout -> { },
        tls::setTrustManagerFromCerts, tls::setKeyManagerFromCerts, retry -> { }, memoryMode -> { }, version -> { });
  }

  /**
   * The original provider's listener call (the OTLP providers hand the SDK's meter provider to the
   * exporters they create, for the exporters' own metrics), forwarded.
   */
  private abstract static class ListeningProvider implements AutoConfigureListener {
    private final Object original;

    ListeningProvider(Object original) {
      this.original = original;
    }

    @Override
    public void afterAutoConfigure(OpenTelemetrySdk sdk) {
      if (original instanceof AutoConfigureListener) {
        ((AutoConfigureListener) original).afterAutoConfigure(sdk);
      }
    }
  }

  static final class SpanProvider extends ListeningProvider implements ConfigurableSpanExporterProvider {
    private final ConfigurableSpanExporterProvider original;

    SpanProvider(ConfigurableSpanExporterProvider original) {
      super(original);
      this.original = original;
    }

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
      checkConfiguration(OtlpConfigUtil.DATA_TYPE_TRACES, config);
      return new LazySpanExporter(new Once<>("traces", () -> original.createExporter(config)));
    }

    @Override
    public String getName() {
      return NAME;
    }
  }

  static final class MetricProvider extends ListeningProvider implements ConfigurableMetricExporterProvider {
    private final ConfigurableMetricExporterProvider original;

    MetricProvider(ConfigurableMetricExporterProvider original) {
      super(original);
      this.original = original;
    }

    @Override
    public MetricExporter createExporter(ConfigProperties config) {
      checkConfiguration(OtlpConfigUtil.DATA_TYPE_METRICS, config);
      // What the OTLP metric exporter answers, derived by the same OpenTelemetry helpers that the
      // OTLP provider applies to its builder, over the builder's defaults (OTel 1.63.0: cumulative,
      // the SDK's default aggregations, reusable data); LazyOtlpTest compares them with a real one.
      AggregationTemporalitySelector[] temporality = {AggregationTemporalitySelector.alwaysCumulative()};
      ExporterBuilderUtil.configureOtlpAggregationTemporality(config, selector -> temporality[0] = selector);
      DefaultAggregationSelector[] aggregation = {DefaultAggregationSelector.getDefault()};
      ExporterBuilderUtil.configureOtlpHistogramDefaultAggregation(config, selector -> aggregation[0] = selector);
      MemoryMode[] memoryMode = {MemoryMode.REUSABLE_DATA};
      ExporterBuilderUtil.configureExporterMemoryMode(config, mode -> memoryMode[0] = mode);
      return new LazyMetricExporter(new Once<>("metrics", () -> original.createExporter(config)),
          temporality[0], aggregation[0], memoryMode[0]);
    }

    @Override
    public String getName() {
      return NAME;
    }
  }

  static final class LogRecordProvider extends ListeningProvider implements ConfigurableLogRecordExporterProvider {
    private final ConfigurableLogRecordExporterProvider original;

    LogRecordProvider(ConfigurableLogRecordExporterProvider original) {
      super(original);
      this.original = original;
    }

    @Override
    public LogRecordExporter createExporter(ConfigProperties config) {
      checkConfiguration(OtlpConfigUtil.DATA_TYPE_LOGS, config);
      return new LazyLogRecordExporter(new Once<>("logs", () -> original.createExporter(config)));
    }

    @Override
    public String getName() {
      return NAME;
    }
  }

  /**
   * The real exporter, created at most once: by the first {@link #get}, unless {@link #close} came
   * first. A creation that throws is reported once and not retried.
   */
  static final class Once<T> {
    private final String signal;
    private final Supplier<T> factory;
    private volatile T created;
    /** Creation failed, or shutdown came before any export: {@link #get} answers null from then on. */
    private volatile boolean dead;

    Once(String signal, Supplier<T> factory) {
      this.signal = signal;
      this.factory = factory;
    }

    /** The exporter, created now if it is the first call; null if it cannot be had. */
    T get() {
      T exporter = created;
      if (exporter != null || dead) {
        return exporter;
      }
      synchronized (this) {
        if (created == null && !dead) {
          try {
            created = Objects.requireNonNull(factory.get(), "the provider returned null");
          } catch (Throwable e) {
            // Never into the processor, never again on the next batch: the processor counts the
            // failed exports as dropped telemetry, which DroppedTelemetryMonitor reports.
            dead = true;
            AgentLog.warn("the OTLP exporter for " + signal + " could not be created (" + e
                + "); " + signal + " are not exported");
          }
        }
        return created;
      }
    }

    /** The exporter if it has been created, without creating it. */
    T ifCreated() {
      return created;
    }

    /** For shutdown: the exporter if it has been created; otherwise it never will be. */
    synchronized T close() {
      if (created == null) {
        dead = true;
      }
      return created;
    }

    String describe() {
      T exporter = created;
      return exporter != null ? exporter.toString() : "LazyOtlpExporter{signal=" + signal + ", created=false}";
    }
  }

  static final class LazySpanExporter implements SpanExporter {
    private final Once<SpanExporter> exporter;

    LazySpanExporter(Once<SpanExporter> exporter) {
      this.exporter = exporter;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      SpanExporter real = exporter.get();
      return real == null ? CompletableResultCode.ofFailure() : real.export(spans);
    }

    /** The real exporter, created now if this is the first call; null if it cannot be had. */
    SpanExporter real() {
      return exporter.get();
    }

    @Override
    public CompletableResultCode flush() {
      SpanExporter real = exporter.ifCreated();
      return real == null ? CompletableResultCode.ofSuccess() : real.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      SpanExporter real = exporter.close();
      return real == null ? CompletableResultCode.ofSuccess() : real.shutdown();
    }

    @Override
    public String toString() {
      return exporter.describe();
    }
  }

  static final class LazyMetricExporter implements MetricExporter {
    private final Once<MetricExporter> exporter;
    private final AggregationTemporalitySelector temporality;
    private final DefaultAggregationSelector aggregation;
    private final MemoryMode memoryMode;

    LazyMetricExporter(Once<MetricExporter> exporter, AggregationTemporalitySelector temporality,
        DefaultAggregationSelector aggregation, MemoryMode memoryMode) {
      this.exporter = exporter;
      this.temporality = temporality;
      this.aggregation = aggregation;
      this.memoryMode = memoryMode;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      MetricExporter real = exporter.get();
      return real == null ? CompletableResultCode.ofFailure() : real.export(metrics);
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return temporality.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return aggregation.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return memoryMode;
    }

    @Override
    public CompletableResultCode flush() {
      MetricExporter real = exporter.ifCreated();
      return real == null ? CompletableResultCode.ofSuccess() : real.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      MetricExporter real = exporter.close();
      return real == null ? CompletableResultCode.ofSuccess() : real.shutdown();
    }

    @Override
    public String toString() {
      return exporter.describe();
    }
  }

  static final class LazyLogRecordExporter implements LogRecordExporter {
    private final Once<LogRecordExporter> exporter;

    LazyLogRecordExporter(Once<LogRecordExporter> exporter) {
      this.exporter = exporter;
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      LogRecordExporter real = exporter.get();
      return real == null ? CompletableResultCode.ofFailure() : real.export(logs);
    }

    /** The real exporter, created now if this is the first call; null if it cannot be had. */
    LogRecordExporter real() {
      return exporter.get();
    }

    @Override
    public CompletableResultCode flush() {
      LogRecordExporter real = exporter.ifCreated();
      return real == null ? CompletableResultCode.ofSuccess() : real.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      LogRecordExporter real = exporter.close();
      return real == null ? CompletableResultCode.ofSuccess() : real.shutdown();
    }

    @Override
    public String toString() {
      return exporter.describe();
    }
  }
}
