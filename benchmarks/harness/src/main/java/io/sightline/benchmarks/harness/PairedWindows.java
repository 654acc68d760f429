package io.sightline.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Saturation throughput in paired windows ({@code --paired N}): every configuration is started
 * once and warmed up, then short closed-loop windows are taken configuration after configuration,
 * cycle after cycle, while the other JVMs sit idle (their CPU in each window is measured and
 * reported). Each agent's window is compared with no agent's window of the same cycle, taken
 * seconds apart, not minutes as the rounds' windows are.
 *
 * <p>Why: on this shared 2-core machine the same no-agent build runs at anything from about
 * 11,000 to 15,500 req/s at saturation from one quarter hour to the next (docs/benchmarks.md,
 * "Saturation in paired windows"), and a round's windows for two configurations lie four minutes
 * apart. A ratio of windows seconds apart is the one least moved by that drift. The rounds' figure
 * is still reported beside it; neither replaces the other.
 */
final class PairedWindows {
  /** Unmeasured load before each window: new connections, the pools refilled after the idle time. */
  private static final int SETTLE_SECONDS = 3;

  /** One window of one configuration. */
  record Sample(int cycle, double throughput, double p99Millis, double cpuPerRequest, double idleOthersPerRequest,
      long failures) {
  }

  private final Options options;
  private final Wrk wrk;
  private final Starter starter;

  /** Starts one configuration's app (the harness's own start, with its log file). */
  interface Starter {
    AppProcess start(AgentConfig config) throws Exception;
  }

  PairedWindows(Options options, Wrk wrk, Starter starter) {
    this.options = options;
    this.wrk = wrk;
    this.starter = starter;
  }

  Map<String, List<Sample>> run(List<AgentConfig> configs) throws Exception {
    Map<AgentConfig, AppProcess> apps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    try {
      for (AgentConfig config : configs) {
        apps.put(config, starter.start(config));
        samples.put(config.name(), new ArrayList<>());
      }
      for (Map.Entry<AgentConfig, AppProcess> e : apps.entrySet()) {
        Harness.log("paired windows: warming up " + e.getKey().name() + " for " + options.warmupSeconds + " s, the others idle");
        wrk.run(e.getValue().url("/work"), options.warmupSeconds);
      }
      for (int cycle = 0; cycle < options.pairedCycles; cycle++) {
        StringBuilder line = new StringBuilder(String.format("paired windows: cycle %d/%d:", cycle + 1, options.pairedCycles));
        for (AgentConfig config : Harness.rotate(configs, cycle)) {
          AppProcess app = apps.get(config);
          String url = app.url("/work");
          wrk.run(url, SETTLE_SECONDS);
          long othersBefore = othersCpu(apps, config);
          Window window = Window.open(app);
          Wrk.Result result = wrk.run(url, options.pairedSeconds);
          window.close(result);
          long othersAfter = othersCpu(apps, config);
          Map<String, Double> m = new LinkedHashMap<>();
          window.putCpu(m, Metric.SATURATED_CPU_PER_REQUEST, null, null);
          Sample sample = new Sample(cycle, result.throughput(), result.p99() / 1000,
              m.get(Metric.SATURATED_CPU_PER_REQUEST.key), (othersAfter - othersBefore) / (double) window.served(),
              result.failures());
          samples.get(config.name()).add(sample);
          Harness.log("  " + config.name() + ":");
          window.logThreadCpu();
          line.append(String.format(Locale.ROOT, " %s %.0f req/s (p99 %.2f ms, CPU %.0f us/req, idle others %.1f)",
              config.name(), sample.throughput(), sample.p99Millis(), sample.cpuPerRequest(), sample.idleOthersPerRequest()));
        }
        Harness.log(line.toString());
      }
    } finally {
      for (AppProcess app : apps.values()) {
        app.close();
      }
    }
    return samples;
  }

  private static long othersCpu(Map<AgentConfig, AppProcess> apps, AgentConfig measured) throws Exception {
    long sum = 0;
    for (Map.Entry<AgentConfig, AppProcess> e : apps.entrySet()) {
      if (e.getKey() != measured) {
        sum += e.getValue().cpuMicros();
      }
    }
    return sum;
  }

  /** Per cycle, each agent's throughput over no agent's in the same cycle; their median. NaN without both. */
  static double medianRatio(Map<String, List<Sample>> samples, String config) {
    return Report.median(ratios(samples, config).stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static List<Double> ratios(Map<String, List<Sample>> samples, String config) {
    List<Double> ratios = new ArrayList<>();
    List<Sample> none = samples.get("none");
    List<Sample> agent = samples.get(config);
    if (none == null || agent == null) {
      return ratios;
    }
    for (int i = 0; i < Math.min(none.size(), agent.size()); i++) {
      if (none.get(i).throughput() > 0) {
        ratios.add(agent.get(i).throughput() / none.get(i).throughput());
      }
    }
    return ratios;
  }

  /** The results file's section: every window, and the median ratio per agent. */
  static String markdown(Options options, List<AgentConfig> configs, Map<String, List<Sample>> samples) {
    StringBuilder md = new StringBuilder("## Saturation in paired windows\n\n");
    md.append(String.format(Locale.ROOT, "Every configuration started once and warmed up %d s at saturation; then %d cycles, "
        + "each a %d s closed-loop window (%d connections, after %d s unmeasured) per configuration in turn, the order "
        + "rotating, the other JVMs idle. Ratios are to no agent's window of the same cycle.%n%n", options.warmupSeconds,
        options.pairedCycles, options.pairedSeconds, options.connections, SETTLE_SECONDS));
    md.append("| Cycle |");
    for (AgentConfig c : configs) {
      md.append(' ').append(c.name()).append(" req/s |");
    }
    for (AgentConfig c : configs) {
      if (c.agentJar() != null) {
        md.append(' ').append(c.name()).append(" / none |");
      }
    }
    md.append("\n|---|");
    for (AgentConfig c : configs) {
      md.append("---:|");
      if (c.agentJar() != null) {
        md.append("---:|");
      }
    }
    md.append('\n');
    for (int cycle = 0; cycle < options.pairedCycles; cycle++) {
      md.append("| ").append(cycle + 1).append(" |");
      for (AgentConfig c : configs) {
        List<Sample> list = samples.get(c.name());
        md.append(cycle < list.size() ? String.format(Locale.ROOT, " %.0f |", list.get(cycle).throughput()) : " – |");
      }
      for (AgentConfig c : configs) {
        if (c.agentJar() != null) {
          List<Double> ratios = ratios(samples, c.name());
          md.append(cycle < ratios.size() ? String.format(Locale.ROOT, " %.2f |", ratios.get(cycle)) : " – |");
        }
      }
      md.append('\n');
    }
    md.append("| median |");
    for (AgentConfig c : configs) {
      md.append(String.format(Locale.ROOT, " %.0f |", median(samples.get(c.name()), Sample::throughput)));
    }
    for (AgentConfig c : configs) {
      if (c.agentJar() != null) {
        md.append(String.format(Locale.ROOT, " **%.2f** |", medianRatio(samples, c.name())));
      }
    }
    md.append("\n\nMedians per configuration over the windows:\n\n");
    for (AgentConfig c : configs) {
      List<Sample> list = samples.get(c.name());
      md.append(String.format(Locale.ROOT, "- %s: p99 %.2f ms, app CPU %.0f µs per request, the idle JVMs beside it "
              + "%.1f µs per request, failed requests %d%n", c.name(), median(list, Sample::p99Millis),
          median(list, Sample::cpuPerRequest), median(list, Sample::idleOthersPerRequest),
          list.stream().mapToLong(Sample::failures).sum()));
    }
    return md.append('\n').toString();
  }

  private static double median(List<Sample> list, java.util.function.ToDoubleFunction<Sample> value) {
    return list == null ? Double.NaN : Report.median(list.stream().mapToDouble(value).toArray());
  }
}
