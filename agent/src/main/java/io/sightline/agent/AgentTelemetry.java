package io.sightline.agent;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.LogLimits;
import io.opentelemetry.sdk.logs.LogLimitsBuilder;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sightline.agent.config.ConfigValidator;
import io.sightline.agent.config.DetectedResource;
import io.sightline.agent.config.ExporterNames;
import io.sightline.agent.exporter.LazyOtlp;
import io.sightline.agent.metrics.CardinalityLimit;
import io.sightline.agent.metrics.DroppedTelemetryMonitor;
import io.sightline.agent.metrics.MetricViews;
import io.sightline.agent.metrics.OverflowWarningReader;
import io.sightline.agent.sampling.OutcomeSampling;
import io.sightline.agent.records.AgentOpenTelemetry;
import io.sightline.bootstrap.AgentLog;
import io.sightline.bootstrap.AgentSettings;
import io.sightline.instrumentation.api.Settings;
import io.sightline.instrumentation.logs.LogSampleRatio;
import io.sightline.instrumentation.api.Suppression;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The OpenTelemetry SDK, configured by the SDK's own autoconfigure module from the standard
 * {@code otel.*} settings, after {@link ConfigValidator} has replaced malformed values.
 */
final class AgentTelemetry {
  /**
   * {@code false}: the instrumentations' spans and log records are the SDK's own types rather than
   * the agent's ({@code io.sightline.agent.records}).
   */
  static final String AGENT_RECORDS_KEY = "sightline.export.agent-records";

  private final OpenTelemetrySdk sdk;
  /** What the instrumentations are given: the SDK, with the agent's own spans and log records unless switched off. */
  private final OpenTelemetry instrumented;
  private final String summary;

  private AgentTelemetry(OpenTelemetrySdk sdk, String summary) {
    this.sdk = sdk;
    this.summary = summary;
    if (sdk == null) {
      instrumented = OpenTelemetry.noop();
    } else if (Settings.getBoolean(AGENT_RECORDS_KEY, true)) {
      instrumented = AgentOpenTelemetry.over(sdk);
    } else {
      instrumented = sdk;
    }
  }

  static AgentTelemetry start(ClassLoader agentLoader, String version) {
    Map<String, String> overrides = new HashMap<>();
    ConfigProperties[] seen = new ConfigProperties[1];
    ExporterNames exporterNames = ExporterNames.discover(agentLoader);
    int[] cardinalityLimit = {CardinalityLimit.DEFAULT};
    // The SDK's meter provider, for processor self-metrics; built after the processors.
    AtomicReference<MeterProvider> meters = new AtomicReference<>();
    OutcomeSampling outcomes = OutcomeSampling.fromSettings();
    AgentLog.debug("traces the sampler drops are kept when they end in: " + outcomes.describe());
    try {
      OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
          // The agent's bundled components, with the OTLP exporters created on their first export
          // rather than here (see LazyOtlp: most of this thread's cost was creating them).
          .setComponentLoader(LazyOtlp.componentLoader(ComponentLoader.forClassLoader(agentLoader)))
          // The configuration file is the lowest-precedence source; system properties and
          // environment variables override it inside autoconfigure.
          .addPropertiesSupplier(AgentTelemetry::defaults)
          .addPropertiesCustomizer(config -> {
            seen[0] = config;
            overrides.putAll(ConfigValidator.validate(config, exporterNames));
            cardinalityLimit[0] = CardinalityLimit.configure(config, overrides);
            return overrides;
          })
          // Instance, host, process and container, under what the configuration says.
          .addResourceCustomizer((resource, config) -> DetectedResource.under(resource, config))
          .addResourceCustomizer((resource, config) -> resource.merge(Resource.create(Attributes.of(
              AttributeKey.stringKey("telemetry.distro.name"), "sightline",
              AttributeKey.stringKey("telemetry.distro.version"), version))))
          .addSpanExporterCustomizer((exporter, config) -> new UntracedSpanExporter(exporter))
          // Spans and log records to OTLP over HTTP/protobuf: encoded when they end or are emitted,
          // not kept whole until their export (EncodedExport).
          .addSpanProcessorCustomizer((processor, config) -> EncodedExport.spans(processor, config, meters::get))
          // With a ratio sampler, local traces it drops are recorded, and exported if they end in
          // error or run slow (OutcomeSampling); nothing changes for what the sampler samples.
          .addSamplerCustomizer((sampler, config) -> outcomes.sampler(sampler, samplerName(config)))
          .addSpanProcessorCustomizer((processor, config) -> outcomes.processor(processor, samplerName(config)))
          .addLogRecordProcessorCustomizer((processor, config) -> EncodedExport.logs(processor, config, meters::get))
          // sightline.logs.sample-ratio below 1: what the ratio leaves out of a trace still waiting
          // for its outcome is held until then, and exported with it if it is kept.
          .addLogRecordProcessorCustomizer((processor, config) ->
              outcomes.logProcessor(processor, samplerName(config), LogSampleRatio.fromSettings()))
          .addMetricExporterCustomizer((exporter, config) -> new UntracedMetricExporter(exporter))
          .addLogRecordExporterCustomizer((exporter, config) -> new UntracedLogRecordExporter(exporter))
          .addMetricReaderCustomizer((reader, config) -> new OverflowWarningReader(reader, cardinalityLimit[0]))
          .addMeterProviderCustomizer((builder, config) -> {
            MetricViews.register(builder, cardinalityLimit[0]);
            // Exemplars of requests kept for their outcome lead to their traces (autoconfigure has
            // set the configured filter by now; only its default, trace_based, is widened).
            if (outcomes.appliesTo(samplerName(config)) && "trace_based".equalsIgnoreCase(
                config.getString("otel.metrics.exemplar.filter", "trace_based"))) {
              builder.setExemplarFilter(outcomes.exemplarFilter());
            }
            return builder.registerMetricReader(new DroppedTelemetryMonitor(
                dropWarningInterval(),
                outcomes::spansLetGo, outcomes::recordsLetGo, outcomes.bufferSize()));
          })
          // The SDK's per-span counters (otel.sdk.span.started / live) would cost on every request
          // and tell nothing that http.server.request.duration does not; the processor and exporter
          // counters, which report dropped telemetry, stay.
          .addTracerProviderCustomizer((builder, config) -> builder.setMeterProvider(MeterProvider::noop))
          // Likewise the logger provider's per-record counter (otel.sdk.log.created): measured at
          // about 10 % of the log bridge's cost per record; the log processor's counters stay.
          // Autoconfigure also hands the provider a supplier that reads the two log limits from the
          // configuration again for every record (about 0.5 µs each, docs/benchmarks.md): the same
          // settings, read once.
          .addLoggerProviderCustomizer((builder, config) -> {
            LogLimits limits = logLimits(config);
            return builder.setMeterProvider(MeterProvider::noop).setLogLimits(() -> limits);
          })
          // We register our own hook, bounded in time, and it must run after the instrumentations'.
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
      meters.set(sdk.getSdkMeterProvider());
      outcomes.registerMetrics(sdk.getMeter("io.sightline.sampling"));
      return new AgentTelemetry(sdk, summarize(seen[0], overrides));
    } catch (RuntimeException e) {
      AgentLog.warn("the OpenTelemetry SDK rejected the configuration (" + e.getMessage()
          + "); telemetry is not exported, the application runs unchanged");
      return new AgentTelemetry(null, "export disabled");
    }
  }

  /**
   * The lowest-precedence settings: the OpenTelemetry Java agent's defaults where they differ
   * from the SDK's, then the configuration file over them.
   */
  /** The log limits autoconfigure derives from the general attribute limits, as OpenTelemetry does. */
  static LogLimits logLimits(ConfigProperties config) {
    LogLimitsBuilder limits = LogLimits.builder();
    Integer valueLength = config.getInt("otel.attribute.value.length.limit");
    if (valueLength != null) {
      limits.setMaxAttributeValueLength(valueLength);
    }
    Integer count = config.getInt("otel.attribute.count.limit");
    if (count != null) {
      limits.setMaxNumberOfAttributes(count);
    }
    return limits.build();
  }

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf"); // the SDK alone defaults to grpc
    // The SDK's self-monitoring metrics under their semantic-convention names
    // (otel.sdk.processor.span.processed{error.type} for drops) rather than processedSpans{dropped}.
    defaults.put("otel.experimental.sdk.telemetry.version", "latest");
    defaults.putAll(AgentSettings.fileProperties());
    return defaults;
  }

  OpenTelemetry openTelemetry() {
    return instrumented;
  }

  String summary() {
    return summary;
  }

  /**
   * Flushes and stops the SDK, waiting at most {@code timeoutMillis}. The SDK's shutdown blocks the
   * calling thread in places (the periodic metric reader waits up to 5 s for its scheduler, then for
   * its last export), so it runs on a daemon thread of its own and this thread waits for it only
   * that long: the JVM's exit is never held longer, whatever the collector does.
   */
  void shutdown(long timeoutMillis) {
    if (sdk == null) {
      return;
    }
    CompletableResultCode done = new CompletableResultCode();
    Thread flush = new Thread(() -> {
      try {
        sdk.shutdown().whenComplete(done::succeed);
      } catch (RuntimeException e) {
        done.fail();
      }
    }, "sightline-sdk-shutdown");
    flush.setDaemon(true);
    flush.start();
    done.join(timeoutMillis, TimeUnit.MILLISECONDS);
    if (!done.isDone()) {
      AgentLog.warn("telemetry flush did not finish within " + timeoutMillis + " ms at shutdown"
          + " (sightline.shutdown.timeout); what was not exported is dropped");
    }
  }

  /** {@code sightline.telemetry.drop-warning-interval}: more than zero, else a warning and a minute. */
  private static long dropWarningInterval() {
    long millis = Settings.getDurationMillis(DroppedTelemetryMonitor.INTERVAL_KEY, 60_000);
    if (millis > 0) {
      return millis;
    }
    Settings.warnInvalid(DroppedTelemetryMonitor.INTERVAL_KEY, millis + "ms", "60000ms");
    return 60_000;
  }

  private static String summarize(ConfigProperties config, Map<String, String> overrides) {
    if (config == null) {
      return "";
    }
    return "service=" + effective(config, overrides, "otel.service.name", "unknown_service:java")
        + ", traces=" + effective(config, overrides, "otel.traces.exporter", "otlp")
        + ", metrics=" + effective(config, overrides, "otel.metrics.exporter", "otlp")
        + ", logs=" + effective(config, overrides, "otel.logs.exporter", "otlp");
  }

  private static String samplerName(ConfigProperties config) {
    return config.getString("otel.traces.sampler", "parentbased_always_on");
  }

  private static String effective(ConfigProperties config, Map<String, String> overrides, String key, String def) {
    String value = overrides.get(key);
    return value != null ? value : config.getString(key, def);
  }

  /**
   * Exports run with instrumentation suppressed, so the exporter's own HTTP calls are not traced.
   * The lazy OTLP exporters sit inside these wrappers: their real exporter (and its HttpClient) is
   * created within the first export, so inside the suppressed scope too.
   */
  static final class UntracedSpanExporter implements SpanExporter {
    private final SpanExporter delegate;
    /** Handed over to another processor: the one this was built for must not flush or close it. */
    private volatile boolean detached;

    UntracedSpanExporter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    SpanExporter delegate() {
      return delegate;
    }

    void detach() {
      detached = true;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      if (detached) {
        return CompletableResultCode.ofFailure();
      }
      try (Scope ignored = Suppression.suppress()) {
        return delegate.export(spans);
      }
    }

    @Override
    public CompletableResultCode flush() {
      return detached ? CompletableResultCode.ofSuccess() : delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return detached ? CompletableResultCode.ofSuccess() : delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private static final class UntracedMetricExporter implements MetricExporter {
    private final MetricExporter delegate;

    UntracedMetricExporter(MetricExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      try (Scope ignored = Suppression.suppress()) {
        return delegate.export(metrics);
      }
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public io.opentelemetry.sdk.metrics.Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return delegate.getMemoryMode();
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  static final class UntracedLogRecordExporter implements LogRecordExporter {
    private final LogRecordExporter delegate;
    /** Handed over to another processor: the one this was built for must not flush or close it. */
    private volatile boolean detached;

    UntracedLogRecordExporter(LogRecordExporter delegate) {
      this.delegate = delegate;
    }

    LogRecordExporter delegate() {
      return delegate;
    }

    void detach() {
      detached = true;
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      if (detached) {
        return CompletableResultCode.ofFailure();
      }
      try (Scope ignored = Suppression.suppress()) {
        return delegate.export(logs);
      }
    }

    @Override
    public CompletableResultCode flush() {
      return detached ? CompletableResultCode.ofSuccess() : delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return detached ? CompletableResultCode.ofSuccess() : delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
