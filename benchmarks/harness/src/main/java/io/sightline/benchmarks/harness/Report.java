package io.sightline.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results file: medians per configuration, ratios to no agent, and the acceptance targets. */
final class Report {
  private final Options options;
  private final List<AgentConfig> configs;
  private final Map<String, List<Map<String, Double>>> results;
  private final Map<String, List<PairedWindows.Sample>> paired;

  Report(Options options, List<AgentConfig> configs, Map<String, List<Map<String, Double>>> results,
      Map<String, List<PairedWindows.Sample>> paired) {
    this.options = options;
    this.configs = configs;
    this.results = results;
    this.paired = paired;
  }

  /** Median of the samples that have this metric; NaN if none. */
  double median(String config, Metric metric) {
    return median(results.get(config).stream().map(sample -> sample.get(metric.key))
        .filter(v -> v != null && !v.isNaN()).mapToDouble(Double::doubleValue).toArray());
  }

  /** The median of the values (the mean of the middle two for an even count); NaN if there are none. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Overhead benchmark, ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("\n\n");
    if (options.quick) {
      md.append("**Quick mode (smoke test): figures are not meaningful, the JIT has not settled.**\n\n");
    }
    if (!options.note.isEmpty()) {
      md.append("**Note:** ").append(options.note).append("\n\n");
    }
    md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, load average before the run ")
        .append(options.loadBefore).append("; JVM for the app: `").append(options.java).append("` (")
        .append(javaVersion()).append(")\n");
    md.append("- ").append(options.describe()).append("\n");
    md.append("- Per request: 1 HTTP server request, 1 pooled JDBC query (HikariCP, H2), 1 HTTP client call "
        + "(java.net.http) to a stub, 1 log line with MDC (Logback); all agents export OTLP/HTTP to a counting sink.\n");
    for (AgentConfig config : configs) {
      if (config.agentJar() != null) {
        md.append("- ").append(config.name()).append(": `").append(config.agentJar().getFileName()).append("`\n");
      }
    }
    md.append("- Every JVM: `").append(String.join(" ", AppProcess.HEAP_OPTIONS)).append("` (a fixed, pre-touched heap, so "
        + "that RSS differences are the agents' native memory, not how far each run happened to grow the heap).\n");
    md.append("- Figures are medians over rounds (startup: over all starts). Ratios are to `none`. At saturation the "
        + "app, wrk, the stub and the sink share the 2 cores, so CPU per request there is the cores divided by the "
        + "throughput; the fixed-rate window is where CPU per request measures the work a request costs.\n\n");

    md.append("| Metric |");
    for (AgentConfig c : configs) {
      md.append(' ').append(c.name()).append(" |");
    }
    for (AgentConfig c : configs) {
      if (c.agentJar() != null) {
        md.append(' ').append(c.name()).append(" / none |");
      }
    }
    md.append('\n').append("|---|");
    for (AgentConfig c : configs) {
      md.append("---:|");
      if (c.agentJar() != null) {
        md.append("---:|");
      }
    }
    md.append('\n');
    boolean hasNone = results.containsKey("none");
    for (Metric metric : Metric.values()) {
      md.append("| ").append(metric.label).append(" |");
      for (AgentConfig c : configs) {
        md.append(' ').append(format(metric, median(c.name(), metric))).append(" |");
      }
      for (AgentConfig c : configs) {
        if (c.agentJar() != null) {
          md.append(' ').append(hasNone ? ratio(metric, c.name()) : "").append(" |");
        }
      }
      md.append('\n');
    }
    md.append('\n');
    md.append(spread());
    if (!paired.isEmpty()) {
      md.append(PairedWindows.markdown(options, configs, paired));
    }
    if (hasNone && results.containsKey("sightline")) {
      md.append(targets());
    }
    return md.toString();
  }

  /** Every sample behind the noisiest medians, so that a difference can be told from noise. */
  private String spread() {
    StringBuilder md = new StringBuilder("Every sample (startup: every start; the others: every round):\n\n");
    boolean any = false;
    for (Metric metric : List.of(Metric.STARTUP, Metric.STARTUP_CACHED, Metric.RATE_P99, Metric.CPU_PER_REQUEST, Metric.JIT_PER_REQUEST,
        Metric.CPU_WITHOUT_JIT, Metric.THROUGHPUT, Metric.P99)) {
      for (AgentConfig c : configs) {
        List<String> values = new ArrayList<>();
        for (Map<String, Double> sample : results.get(c.name())) {
          Double v = sample.get(metric.key);
          if (v != null && !v.isNaN()) {
            values.add(format(metric, v));
          }
        }
        if (values.size() > 1) {
          any = true;
          md.append("- ").append(metric.label.replace("– ", "")).append(", ").append(c.name()).append(": ")
              .append(String.join(", ", values)).append('\n');
        }
      }
    }
    return any ? md.append('\n').toString() : "";
  }

  private String ratio(Metric metric, String config) {
    double base = median("none", metric == Metric.STARTUP_CACHED ? Metric.STARTUP : metric);
    double value = median(config, metric);
    switch (metric) {
      case STARTUP:
      case STARTUP_CACHED:
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%+.0f ms", value - base);
      case RSS:
      case HEAP:
        return String.format(Locale.ROOT, "%+.0f MB", value - base);
      case CLASSES:
        return String.format(Locale.ROOT, "%+.0f", value - base);
      case RATE_ACHIEVED:
      case SPANS_PER_REQUEST:
      case SPANS_RECEIVED:
      case LOGS_PER_REQUEST:
      case FAILED:
      case JAR:
        return "";
      default:
        return base > 0 && !Double.isNaN(value) ? String.format(Locale.ROOT, "%.2fx", value / base) : "";
    }
  }

  private String targets() {
    StringBuilder md = new StringBuilder("## Acceptance targets (issue 8), Sightline\n\n| Target | Measured | Met |\n|---|---:|:---:|\n");
    double startupAdded = median("sightline", Metric.STARTUP) - median("none", Metric.STARTUP);
    row(md, "startup added ≤ 0.5 s", String.format(Locale.ROOT, "%+.0f ms", startupAdded), startupAdded <= 500);
    double cachedAdded = median("sightline", Metric.STARTUP_CACHED) - median("none", Metric.STARTUP);
    row(md, "startup added ≤ 0.5 s, with the startup cache (`sightline.startup.cache.dir`, a warm start)",
        String.format(Locale.ROOT, "%+.0f ms", cachedAdded), cachedAdded <= 500);
    double rps = median("sightline", Metric.THROUGHPUT) / median("none", Metric.THROUGHPUT);
    row(md, "throughput ≥ 0.90 of no agent (at saturation)", String.format(Locale.ROOT, "%.2f", rps), rps >= 0.90);
    if (!paired.isEmpty()) {
      double pairedRps = PairedWindows.medianRatio(paired, "sightline");
      row(md, "throughput ≥ 0.90 of no agent (at saturation, paired windows: the median of the cycles' ratios)",
          String.format(Locale.ROOT, "%.2f", pairedRps), pairedRps >= 0.90);
    }
    double rateP99 = median("sightline", Metric.RATE_P99) / median("none", Metric.RATE_P99);
    row(md, "p99 ≤ 1.3x no agent, at the fixed rate", String.format(Locale.ROOT, "%.2fx", rateP99), rateP99 <= 1.3);
    double p99 = median("sightline", Metric.P99) / median("none", Metric.P99);
    row(md, "p99 ≤ 1.3x no agent, at saturation", String.format(Locale.ROOT, "%.2fx", p99), p99 <= 1.3);
    double cpu = median("sightline", Metric.CPU_PER_REQUEST) / median("none", Metric.CPU_PER_REQUEST);
    row(md, "CPU per request ≤ 1.15x no agent (at the fixed rate)", String.format(Locale.ROOT, "%.2fx", cpu), cpu <= 1.15);
    double rss = median("sightline", Metric.RSS) - median("none", Metric.RSS);
    row(md, "RSS added ≤ 40 MB", String.format(Locale.ROOT, "%+.0f MB", rss), rss <= 40);
    double jar = median("sightline", Metric.JAR);
    row(md, "jar ≤ 8 MB", String.format(Locale.ROOT, "%.1f MB", jar), jar <= 8);
    double spans = median("sightline", Metric.SPANS_RECEIVED);
    row(md, "no span dropped", String.format(Locale.ROOT, "%.1f %%", spans), spans >= 99.95);
    if (results.containsKey("otel")) {
      List<String> worse = new ArrayList<>();
      List<String> compared = new ArrayList<>();
      for (Metric metric : List.of(Metric.STARTUP, Metric.RATE_P50, Metric.RATE_P99, Metric.CPU_PER_REQUEST,
          Metric.ALLOCATION_PER_REQUEST, Metric.THROUGHPUT, Metric.P50, Metric.P99, Metric.RSS, Metric.HEAP,
          Metric.CLASSES, Metric.JAR)) {
        double s = median("sightline", metric);
        double o = median("otel", metric);
        if (Double.isNaN(s) || Double.isNaN(o)) {
          continue;
        }
        compared.add(metric.key);
        if (metric.lowerIsBetter ? s > o : s < o) {
          worse.add(metric.key);
        }
      }
      row(md, "better than the OpenTelemetry agent on every figure",
          worse.isEmpty() ? "better on " + String.join(", ", compared) : "not on " + String.join(", ", worse), worse.isEmpty());
      md.append("\nCompare spans and log records per request first: where they differ, the agents do different "
          + "work (a library one of them does not instrument yet), and the comparison flatters the one doing less.\n");
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String target, String measured, boolean met) {
    if (measured.contains("NaN")) {
      // e.g. a startup-only run (--rounds 0): say so rather than report a miss
      md.append("| ").append(target).append(" | not measured | – |\n");
      return;
    }
    md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**").append(" |\n");
  }

  private static String format(Metric metric, double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, metric.format, value);
  }

  static String loadAverage() {
    try {
      return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")), StandardCharsets.UTF_8)
          .split(" ", 4)[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private String javaVersion() {
    try {
      Process p = new ProcessBuilder(options.java, "-version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("?").trim();
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }
}
