package io.sightline.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end overhead benchmark (see docs/benchmarks.md). Per round, each configuration in
 * turn (the order rotates between rounds, so that drift of a busy machine spreads evenly): start
 * the app, time the first 200, count spans per request, load it (early-life window, rest of the
 * warm-up, measured window), wait for the exports to drain, read memory, stop.
 */
public final class Harness {
  private static final int CALIBRATION_REQUESTS = 20;

  private final Options options;
  private final SpanSink sink;
  private final StubServer stub;
  private final Wrk wrk;
  private final Path rateScript;

  private Harness(Options options, SpanSink sink, StubServer stub) throws IOException {
    this.options = options;
    this.rateScript = Wrk.extractRateScript(options.workDir);
    this.sink = sink;
    this.stub = stub;
    this.wrk = new Wrk(options.wrkThreads, options.connections);
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    options.loadBefore = Report.loadAverage();
    Files.createDirectories(options.workDir);
    if (options.nodelay) {
      System.setProperty(Options.NODELAY, "true"); // before the stub's HttpServer is created
    }
    try (SpanSink sink = new SpanSink(); StubServer stub = new StubServer()) {
      new Harness(options, sink, stub).run();
    }
  }

  private void run() throws Exception {
    List<AgentConfig> configs = options.configs();
    Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();
    for (AgentConfig config : configs) {
      results.put(config.name(), new ArrayList<>());
    }
    log("OTLP sink " + sink.endpoint() + ", stub " + stub.url() + ", app logs in " + options.workDir);
    log(options.describe());

    // Sightline's startup cache: one training start fills it, then each startup run also starts
    // Sightline with it (a warm start), beside the usual start without it.
    AgentConfig sightline = configs.stream().filter(c -> c.name().equals("sightline")).findFirst().orElse(null);
    List<String> cachedArgs = new ArrayList<>(options.jvmArgs);
    cachedArgs.add("-Dsightline.startup.cache.dir=" + options.workDir.resolve("startup-cache"));
    if (sightline != null && options.startupRuns > 0) {
      deleteCache(options.workDir.resolve("startup-cache"));
      try (AppProcess app = start(sightline, cachedArgs, "-cached")) {
        log(String.format("startup cache: training start %5d ms", app.startupMillis));
      }
    }
    for (int i = 0; i < options.startupRuns; i++) {
      for (AgentConfig config : rotate(configs, i)) {
        sink.reset();
        try (AppProcess app = start(config)) {
          log(String.format("startup %d/%d %-10s %5d ms", i + 1, options.startupRuns, config.name(), app.startupMillis));
          Map<String, Double> sample = new LinkedHashMap<>();
          sample.put(Metric.STARTUP.key, (double) app.startupMillis);
          sample.put(Metric.JAR.key, config.jarBytes() / 1048576.0);
          results.get(config.name()).add(sample);
        }
        if (config == sightline) {
          try (AppProcess app = start(config, cachedArgs, "-cached")) {
            log(String.format("startup %d/%d %-10s %5d ms (startup cache)", i + 1, options.startupRuns, config.name(),
                app.startupMillis));
            results.get(config.name()).add(Map.of(Metric.STARTUP_CACHED.key, (double) app.startupMillis));
          }
        }
      }
    }
    for (int round = 0; round < options.rounds; round++) {
      for (AgentConfig config : rotate(configs, round)) {
        log("round " + (round + 1) + "/" + options.rounds + ": " + config.name());
        results.get(config.name()).add(measure(config));
      }
    }

    Map<String, List<PairedWindows.Sample>> paired = Map.of();
    if (options.pairedCycles > 0) {
      paired = new PairedWindows(options, wrk, config -> start(config, options.jvmArgs, "-paired")).run(configs);
    }

    Report report = new Report(options, configs, results, paired);
    String markdown = report.markdown();
    System.out.println();
    System.out.println(markdown);
    Files.createDirectories(options.resultsDir);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
    Path out = options.resultsDir.resolve(stamp + (options.quick ? "-quick" : "") + ".md");
    Files.writeString(out, markdown);
    log("written " + out);
  }

  private AppProcess start(AgentConfig config) throws IOException, InterruptedException {
    return start(config, options.jvmArgs, "");
  }

  private AppProcess start(AgentConfig config, List<String> jvmArgs, String logSuffix)
      throws IOException, InterruptedException {
    Path logFile = options.workDir.resolve(config.name() + logSuffix + ".log");
    return AppProcess.start(options.java, config, jvmArgs, options.appJar, sink.endpoint(), stub.url(), logFile);
  }

  private static void deleteCache(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.delete(file);
        }
      }
    }
  }

  private Map<String, Double> measure(AgentConfig config) throws Exception {
    Map<String, Double> m = new LinkedHashMap<>();
    sink.reset();
    try (AppProcess app = start(config)) {
      m.put(Metric.STARTUP.key, (double) app.startupMillis);

      // Spans per request: let the startup spans (schema creation, first requests) drain, then
      // send a known number of requests. Those startup spans are not part of the expectation.
      long before = awaitQuietSink(config);
      long servedBefore = app.stats(false).get("served");
      for (int i = 0; i < CALIBRATION_REQUESTS; i++) {
        app.get("/work");
      }
      long after = config.agentJar() == null ? before : awaitQuietSink(config);
      double spansPerRequest = Math.round((after - before) * 10.0 / CALIBRATION_REQUESTS) / 10.0;
      m.put(Metric.SPANS_PER_REQUEST.key, spansPerRequest);

      String url = app.url("/work");
      Wrk.Result early = wrk.run(url, options.earlySeconds);
      m.put(Metric.EARLY_THROUGHPUT.key, early.throughput());
      m.put(Metric.EARLY_P50.key, early.p50() / 1000);
      m.put(Metric.EARLY_P99.key, early.p99() / 1000);
      log(String.format("  early-life %ds: %.0f req/s, p50 %.2f ms, p99 %.2f ms", options.earlySeconds,
          early.throughput(), early.p50() / 1000, early.p99() / 1000));
      int rest = options.warmupSeconds - options.earlySeconds;
      if (rest > 0) {
        wrk.run(url, rest);
      }

      long failures = early.failures();
      // Saturation first, straight on from the warm-up at the same concurrency; then the fixed rate,
      // whose 64 connections leave the app's own pools (the HttpClient's workers) larger than before.
      if (options.saturationSeconds > 0) {
        Window saturated = Window.open(app);
        Wrk.Result result = wrk.run(url, options.saturationSeconds);
        saturated.close(result);
        m.put(Metric.THROUGHPUT.key, result.throughput());
        m.put(Metric.P50.key, result.p50() / 1000);
        m.put(Metric.P99.key, result.p99() / 1000);
        saturated.putCpu(m, Metric.SATURATED_CPU_PER_REQUEST, null, null);
        if (options.rate <= 0) {
          m.put(Metric.ALLOCATION_PER_REQUEST.key, saturated.allocatedKbPerRequest());
        }
        failures += result.failures();
        log(String.format("  saturation (%d connections) for %ds: %.0f req/s, p50 %.2f ms, p99 %.2f ms, CPU %.0f us/req "
                + "(wrk %.0f, stub and sink %.0f)", options.connections, options.saturationSeconds, result.throughput(),
            result.p50() / 1000, result.p99() / 1000, m.get(Metric.SATURATED_CPU_PER_REQUEST.key),
            saturated.wrkPerRequest(), saturated.harnessPerRequest()));
        saturated.logThreadCpu();
      }
      if (options.rate > 0) {
        // At a fixed rate below saturation: CPU per request is then the work a request costs, not
        // the 2 cores divided by however many requests got through (see docs/benchmarks.md).
        Window fixed = Window.open(app);
        Wrk.Result result = wrk.runAtRate(url, options.measureSeconds, options.rate, options.rateConnections, rateScript);
        fixed.close(result);
        m.put(Metric.RATE_ACHIEVED.key, result.throughput());
        m.put(Metric.RATE_P50.key, result.p50() / 1000);
        m.put(Metric.RATE_P99.key, result.p99() / 1000);
        fixed.putCpu(m, Metric.CPU_PER_REQUEST, Metric.JIT_PER_REQUEST, Metric.CPU_WITHOUT_JIT);
        m.put(Metric.LOADGEN_CPU_PER_REQUEST.key, fixed.wrkPerRequest());
        m.put(Metric.HARNESS_CPU_PER_REQUEST.key, fixed.harnessPerRequest());
        m.put(Metric.ALLOCATION_PER_REQUEST.key, fixed.allocatedKbPerRequest());
        failures += result.failures();
        log(String.format("  fixed rate %d/s for %ds: %.0f req/s, p50 %.2f ms, p99 %.2f ms, CPU %.0f us/req "
                + "(JIT %.0f; wrk %.0f, stub and sink %.0f)", options.rate, options.measureSeconds, result.throughput(),
            result.p50() / 1000, result.p99() / 1000, m.get(Metric.CPU_PER_REQUEST.key),
            m.get(Metric.JIT_PER_REQUEST.key), fixed.wrkPerRequest(), fixed.harnessPerRequest()));
        fixed.logThreadCpu();
        if (result.throughput() < 0.97 * options.rate) {
          log("  WARNING: the fixed rate was not reached; this configuration is saturated at it, lower --rate");
        }
      }
      m.put(Metric.FAILED.key, (double) failures);

      m.put(Metric.RSS.key, app.rssBytes() / 1048576.0);
      Map<String, Long> afterGc = app.stats(true);
      m.put(Metric.HEAP.key, afterGc.get("heapUsed") / 1048576.0);
      m.put(Metric.CLASSES.key, afterGc.get("loadedClasses").doubleValue());
      if (options.heapHistogram) {
        log("  live heap after load, top classes:\n" + app.heapHistogram(25));
      }

      long received = config.agentJar() == null ? 0 : awaitQuietSink(config);
      double expected = before + spansPerRequest * (afterGc.get("served") - servedBefore);
      m.put(Metric.SPANS_RECEIVED.key, expected == 0 ? Double.NaN : 100.0 * received / expected);
      m.put(Metric.LOGS_PER_REQUEST.key, sink.logRecords() / (double) Math.max(1, afterGc.get("served")));
      log(String.format("  spans %d of %.0f expected (%.1f per request), RSS %.0f MB", received, expected,
          spansPerRequest, m.get(Metric.RSS.key)));
    }
    m.put(Metric.JAR.key, config.jarBytes() / 1048576.0);
    return m;
  }

  /**
   * Waits until the sink has received nothing new for a while (longer than the batch span
   * processor's 5 s default schedule delay); returns the span count.
   */
  private long awaitQuietSink(AgentConfig config) throws InterruptedException {
    if (config.agentJar() == null) {
      return sink.spans();
    }
    long last = sink.spans();
    long quietSince = System.nanoTime();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      Thread.sleep(250);
      long now = sink.spans();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > 6_500_000_000L) {
        break;
      }
    }
    return last;
  }

  static <T> List<T> rotate(List<T> list, int by) {
    List<T> rotated = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      rotated.add(list.get((i + by) % list.size()));
    }
    return rotated;
  }

  static void log(String message) {
    System.out.println("[bench " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
  }
}
