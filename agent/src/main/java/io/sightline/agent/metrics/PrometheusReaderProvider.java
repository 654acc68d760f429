package io.sightline.agent.metrics;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ConfigurableMetricReaderProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.sightline.bootstrap.AgentLog;
import java.io.IOException;

/**
 * {@code otel.metrics.exporter=prometheus}: a scrape endpoint on
 * {@code otel.exporter.prometheus.host}:{@code port} (defaults {@code 0.0.0.0:9464}, as the
 * OpenTelemetry agent). It replaces the OpenTelemetry exporter's own provider (see
 * {@link PrometheusEndpoint} for why); a port already in use costs the endpoint, never the
 * other signals.
 */
public final class PrometheusReaderProvider implements ConfigurableMetricReaderProvider {
  public static final String HOST = "otel.exporter.prometheus.host";
  public static final String PORT = "otel.exporter.prometheus.port";

  @Override
  public MetricReader createMetricReader(ConfigProperties config) {
    String host = config.getString(HOST, "0.0.0.0");
    int port = config.getInt(PORT, 9464);
    try {
      PrometheusEndpoint endpoint = PrometheusEndpoint.start(host, port);
      AgentLog.debug("Prometheus metrics served on http://" + host + ":" + endpoint.port() + "/metrics");
      return endpoint;
    } catch (IOException | RuntimeException e) {
      AgentLog.warn("cannot serve Prometheus metrics on " + host + ":" + port + " (" + e
          + "); set " + PORT + " to a free port. The other exporters are unaffected");
      return new Unserved();
    }
  }

  @Override
  public String getName() {
    return "prometheus";
  }

  /** Stands in for an endpoint that could not start: collects nothing. */
  private static final class Unserved implements MetricReader {
    @Override
    public void register(CollectionRegistration registration) {}

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
