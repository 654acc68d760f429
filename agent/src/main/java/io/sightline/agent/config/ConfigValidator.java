package io.sightline.agent.config;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.sightline.agent.exporter.OtlpFile;
import io.sightline.instrumentation.api.Settings;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the standard {@code otel.*} settings (and {@code sightline.otlp-file.path}, which the
 * exporter reads from the same configuration) before the OpenTelemetry SDK's autoconfigure module
 * reads them, because autoconfigure fails the whole start on one bad value. Each malformed value
 * yields one warning naming the setting, the bad value and the value used, and is overridden with
 * that value. Parsing itself stays with autoconfigure.
 */
public final class ConfigValidator {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|us|ns)?");
  private static final Set<String> SAMPLERS = new LinkedHashSet<>(Arrays.asList(
      "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
      "parentbased_traceidratio", "jaeger_remote", "parentbased_jaeger_remote"));
  private static final Set<String> PROPAGATORS = new LinkedHashSet<>(Arrays.asList(
      "tracecontext", "baggage", "b3", "b3multi", "jaeger", "ottrace", "none"));
  private static final Set<String> PROTOCOLS = new LinkedHashSet<>(Arrays.asList("http/protobuf", "grpc"));
  private static final String DEFAULT_ENDPOINT = "http://localhost:4318";

  private final Map<String, String> overrides = new HashMap<>();
  private final ConfigProperties config;
  private final ExporterNames exporters;

  private ConfigValidator(ConfigProperties config, ExporterNames exporters) {
    this.config = config;
    this.exporters = exporters;
  }

  /** The overrides that replace every malformed standard setting. */
  public static Map<String, String> validate(ConfigProperties config, ExporterNames exporters) {
    ConfigValidator validator = new ConfigValidator(config, exporters);
    validator.run();
    return validator.overrides;
  }

  private void run() {
    duration("otel.bsp.schedule.delay", "5000ms");
    duration("otel.bsp.export.timeout", "30000ms");
    duration("otel.blrp.schedule.delay", "1000ms");
    duration("otel.blrp.export.timeout", "30000ms");
    duration("otel.metric.export.interval", "60000ms");
    duration("otel.metric.export.timeout", "30000ms");
    positiveInt("otel.bsp.max.queue.size", "2048");
    positiveInt("otel.bsp.max.export.batch.size", "512");
    positiveInt("otel.blrp.max.queue.size", "2048");
    positiveInt("otel.blrp.max.export.batch.size", "512");
    positiveInt("otel.span.attribute.count.limit", "128");
    positiveInt("otel.attribute.value.length.limit", "2147483647");

    String sampler = config.getString("otel.traces.sampler");
    if (sampler != null && !SAMPLERS.contains(sampler)) {
      replace("otel.traces.sampler", sampler, "parentbased_always_on");
    }
    String samplerArg = config.getString("otel.traces.sampler.arg");
    if (samplerArg != null) {
      try {
        double ratio = Double.parseDouble(samplerArg);
        if (!(ratio >= 0 && ratio <= 1)) { // NaN too
          replace("otel.traces.sampler.arg", samplerArg, "1.0");
        }
      } catch (NumberFormatException e) {
        replace("otel.traces.sampler.arg", samplerArg, "1.0");
      }
    }

    // The OpenTelemetry agent reads this to switch between the old and the stable conventions
    // (and "/dup" for both). Sightline emits the stable ones only: say so where it matters.
    for (String optIn : config.getList("otel.semconv-stability.opt-in")) {
      if (optIn.endsWith("/dup")) {
        io.sightline.bootstrap.AgentLog.warn("otel.semconv-stability.opt-in=" + optIn + ": Sightline emits only the"
            + " stable semantic conventions (db.query.text, db.system.name, http.request.method), not the old ones"
            + " beside them");
      }
    }

    String prometheusPort = config.getString("otel.exporter.prometheus.port");
    if (prometheusPort != null) {
      try {
        int port = Integer.parseInt(prometheusPort.trim());
        if (port < 0 || port > 65535) {
          replace("otel.exporter.prometheus.port", prometheusPort, "9464");
        }
      } catch (NumberFormatException e) {
        replace("otel.exporter.prometheus.port", prometheusPort, "9464");
      }
    }
    String telemetryVersion = config.getString("otel.experimental.sdk.telemetry.version");
    if (telemetryVersion != null && !"legacy".equalsIgnoreCase(telemetryVersion.trim())
        && !"latest".equalsIgnoreCase(telemetryVersion.trim())) {
      replace("otel.experimental.sdk.telemetry.version", telemetryVersion, "latest");
    }

    list("otel.propagators", PROPAGATORS, "tracecontext,baggage");
    list("otel.traces.exporter", exporters.spans(), "otlp");
    list("otel.metrics.exporter", exporters.metrics(), "otlp");
    list("otel.logs.exporter", exporters.logs(), "otlp");

    for (String signal : new String[] {"", ".traces", ".metrics", ".logs"}) {
      String prefix = "otel.exporter.otlp" + signal;
      String protocol = config.getString(prefix + ".protocol");
      if (protocol != null && !PROTOCOLS.contains(protocol)) {
        replace(prefix + ".protocol", protocol, "http/protobuf");
      } else if ("grpc".equals(protocol)) {
        // Known and standard, but the gRPC sender is not bundled (it would double the jar).
        replace(prefix + ".protocol", protocol, "http/protobuf",
            "Sightline exports OTLP over HTTP only (no gRPC sender is bundled); point the endpoint at the collector's HTTP port, usually 4318");
      }
      duration(prefix + ".timeout", "10000ms");
      headers(prefix + ".headers");
      String compression = config.getString(prefix + ".compression");
      if (compression != null && !"gzip".equals(compression) && !"none".equals(compression)) {
        replace(prefix + ".compression", compression, "none");
      }
      String endpoint = config.getString(prefix + ".endpoint");
      if (endpoint != null && !isHttpUrl(endpoint)) {
        String fallback = DEFAULT_ENDPOINT;
        if (!signal.isEmpty()) {
          String base = config.getString("otel.exporter.otlp.endpoint");
          fallback = (base != null && isHttpUrl(base) ? stripSlash(base) : DEFAULT_ENDPOINT) + "/v1/" + signal.substring(1);
        }
        replace(prefix + ".endpoint", endpoint, fallback);
      }
    }

    // An empty path is the working directory itself, which cannot be opened as a file: the
    // otlp-file exporter would stop at its first line. A blank one would name a file of spaces.
    String otlpFilePath = config.getString(OtlpFile.PATH);
    if (otlpFilePath != null && otlpFilePath.trim().isEmpty()) {
      replace(OtlpFile.PATH, otlpFilePath, OtlpFile.DEFAULT_PATH);
    }

    String resource = config.getString("otel.resource.attributes");
    if (resource != null && !resource.isEmpty()) {
      List<String> kept = new ArrayList<>();
      for (String pair : resource.split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && !pair.substring(0, eq).trim().isEmpty()) {
          kept.add(pair.trim());
        }
      }
      String cleaned = String.join(",", kept);
      if (kept.size() != resource.split(",").length) {
        replace("otel.resource.attributes", resource, cleaned.isEmpty() ? "(none)" : cleaned);
        overrides.put("otel.resource.attributes", cleaned);
      }
    }
  }

  /**
   * A duration the SDK will take: digits and a unit, more than zero (a reader's interval of 0 is
   * refused by the SDK, which then exports nothing at all), and no more than a year (longer does
   * not fit the SDK's arithmetic).
   */
  private void duration(String key, String fallback) {
    String value = config.getString(key);
    if (value == null) {
      return;
    }
    Matcher parts = DURATION.matcher(value.trim());
    if (!parts.matches() || !inRange(parts.group(1), parts.group(2))) {
      replace(key, value, fallback);
    }
  }

  private static final BigInteger MAX_NANOS = BigInteger.valueOf(TimeUnit.DAYS.toNanos(365));

  /** More than zero, at most a year; a bare number is milliseconds, as for the SDK. */
  private static boolean inRange(String digits, String unit) {
    BigInteger nanos = new BigInteger(digits).multiply(BigInteger.valueOf(nanosPer(unit == null ? "ms" : unit)));
    return nanos.signum() > 0 && nanos.compareTo(MAX_NANOS) <= 0;
  }

  private static long nanosPer(String unit) {
    switch (unit) {
      case "ns": return 1L;
      case "us": return 1_000L;
      case "s": return 1_000_000_000L;
      case "m": return TimeUnit.MINUTES.toNanos(1);
      case "h": return TimeUnit.HOURS.toNanos(1);
      case "d": return TimeUnit.DAYS.toNanos(1);
      default: return 1_000_000L;
    }
  }

  /** {@code key=value,key=value}: an entry without a key and a value is dropped, not the exporter. */
  private void headers(String key) {
    String value = config.getString(key);
    if (value == null || value.trim().isEmpty()) {
      return;
    }
    List<String> kept = new ArrayList<>();
    String[] entries = value.split(",");
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      if (eq > 0 && !entry.substring(0, eq).trim().isEmpty() && !entry.substring(eq + 1).trim().isEmpty()) {
        kept.add(entry.trim());
      }
    }
    if (kept.size() != entries.length) {
      // Header values are often secrets: the warning names the entries dropped by count only.
      io.sightline.bootstrap.AgentLog.warn("invalid value for " + key + ": " + (entries.length - kept.size())
          + " of " + entries.length + " entries are not key=value; they are left out");
      overrides.put(key, String.join(",", kept));
    }
  }

  private void positiveInt(String key, String fallback) {
    String value = config.getString(key);
    if (value == null) {
      return;
    }
    try {
      if (Integer.parseInt(value.trim()) <= 0) {
        replace(key, value, fallback);
      }
    } catch (NumberFormatException e) {
      replace(key, value, fallback);
    }
  }

  private void list(String key, Set<String> allowed, String fallback) {
    String value = config.getString(key);
    if (value == null) {
      return;
    }
    List<String> kept = new ArrayList<>();
    boolean changed = false;
    for (String part : value.split(",")) {
      String item = part.trim().toLowerCase(Locale.ROOT);
      if (item.isEmpty()) {
        continue;
      }
      if ("logging".equals(item) && allowed.contains("console")) {
        item = "console"; // the SDK's old name for the same thing
        changed = true;
      }
      if (allowed.contains(item)) {
        if (!kept.contains(item)) {
          kept.add(item);
        }
      } else {
        changed = true;
      }
    }
    if (changed) {
      String used = kept.isEmpty() ? fallback : String.join(",", kept);
      replace(key, value, used);
    }
  }

  private void replace(String key, String bad, String used) {
    replace(key, bad, used, null);
  }

  private void replace(String key, String bad, String used, String why) {
    if (why == null) {
      Settings.warnInvalid(key, bad, used);
    } else {
      io.sightline.bootstrap.AgentLog.warn("unsupported value for " + key + ": '" + bad + "'; using " + used + " (" + why + ")");
    }
    overrides.put(key, used);
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme();
      return ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null;
    } catch (Exception e) {
      return false;
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
