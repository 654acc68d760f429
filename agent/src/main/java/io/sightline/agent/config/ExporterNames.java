package io.sightline.agent.config;

import io.opentelemetry.sdk.autoconfigure.spi.internal.ConfigurableMetricReaderProvider;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import java.util.LinkedHashSet;
import java.util.ServiceLoader;
import java.util.Set;

/** The exporter names that the bundled exporter providers answer to, per signal, plus "none". */
public final class ExporterNames {
  private final Set<String> spans = new LinkedHashSet<>();
  private final Set<String> metrics = new LinkedHashSet<>();
  private final Set<String> logs = new LinkedHashSet<>();

  private ExporterNames() {}

  public static ExporterNames discover(ClassLoader loader) {
    ExporterNames names = new ExporterNames();
    names.spans.add("none");
    names.metrics.add("none");
    names.logs.add("none");
    for (ConfigurableSpanExporterProvider p : ServiceLoader.load(ConfigurableSpanExporterProvider.class, loader)) {
      names.spans.add(p.getName());
    }
    for (ConfigurableMetricExporterProvider p : ServiceLoader.load(ConfigurableMetricExporterProvider.class, loader)) {
      names.metrics.add(p.getName());
    }
    for (ConfigurableMetricReaderProvider p : ServiceLoader.load(ConfigurableMetricReaderProvider.class, loader)) {
      names.metrics.add(p.getName());
    }
    for (ConfigurableLogRecordExporterProvider p : ServiceLoader.load(ConfigurableLogRecordExporterProvider.class, loader)) {
      names.logs.add(p.getName());
    }
    return names;
  }

  public Set<String> spans() {
    return spans;
  }

  public Set<String> metrics() {
    return metrics;
  }

  public Set<String> logs() {
    return logs;
  }
}
