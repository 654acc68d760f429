package io.sightline.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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

  private Harness(Options options, SpanSink sink, StubServer stub) {
    this.options = options;
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
      }
    }
    for (int round = 0; round < options.rounds; round++) {
      for (AgentConfig config : rotate(configs, round)) {
        log("round " + (round + 1) + "/" + options.rounds + ": " + config.name());
        results.get(config.name()).add(measure(config));
      }
    }

    Report report = new Report(options, configs, results);
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
    Path logFile = options.workDir.resolve(config.name() + ".log");
    return AppProcess.start(options.java, config, options.jvmArgs, options.appJar, sink.endpoint(), stub.url(),
        logFile);
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

      Map<String, Long> statsBefore = app.stats(false);
      long cpuBefore = app.cpuMicros();
      Map<String, Long> threadsBefore = app.cpuMicrosByThreadGroup();
      long harnessCpuBefore = harnessCpuMicros();
      Wrk.Result steady = wrk.run(url, options.measureSeconds);
      long harnessCpuAfter = harnessCpuMicros();
      long cpuAfter = app.cpuMicros();
      Map<String, Long> threadsAfter = app.cpuMicrosByThreadGroup();
      Map<String, Long> statsAfter = app.stats(false);
      long served = statsAfter.get("served") - statsBefore.get("served");
      m.put(Metric.THROUGHPUT.key, steady.throughput());
      m.put(Metric.P50.key, steady.p50() / 1000);
      m.put(Metric.P99.key, steady.p99() / 1000);
      m.put(Metric.CPU_PER_REQUEST.key, (cpuAfter - cpuBefore) / (double) Math.max(1, served));
      // The rest of the machine's work per request, on the same 2 cores: what a CPU-bound throughput
      // figure is shared with. The sink's part grows with the spans an agent delivers.
      m.put(Metric.LOADGEN_CPU_PER_REQUEST.key, steady.cpuMicros() / Math.max(1, served));
      m.put(Metric.HARNESS_CPU_PER_REQUEST.key, (harnessCpuAfter - harnessCpuBefore) / (double) Math.max(1, served));
      m.put(Metric.ALLOCATION_PER_REQUEST.key,
          (statsAfter.get("allocatedBytes") - statsBefore.get("allocatedBytes")) / 1024.0 / Math.max(1, served));
      m.put(Metric.FAILED.key, (double) (steady.failures() + early.failures()));
      log(String.format("  steady %ds: %.0f req/s, p50 %.2f ms, p99 %.2f ms, CPU %.0f us/req (wrk %.0f, stub and sink %.0f)",
          options.measureSeconds, steady.throughput(), steady.p50() / 1000, steady.p99() / 1000,
          m.get(Metric.CPU_PER_REQUEST.key), m.get(Metric.LOADGEN_CPU_PER_REQUEST.key),
          m.get(Metric.HARNESS_CPU_PER_REQUEST.key)));

      logThreadCpu(threadsBefore, threadsAfter, served);
      // The JIT is the noisiest part of the figure (still compiling after minutes on 2 cores, with or
      // without an agent): reported apart, so that a change can be judged with and without it.
      double jit = compilerMicros(threadsAfter) - compilerMicros(threadsBefore);
      m.put(Metric.JIT_PER_REQUEST.key, jit / Math.max(1, served));
      m.put(Metric.CPU_WITHOUT_JIT.key, m.get(Metric.CPU_PER_REQUEST.key) - jit / Math.max(1, served));

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

  /** This JVM's CPU time: the stub and the OTLP sink (the main thread only waits). */
  private static long harnessCpuMicros() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
        / 1000;
  }

  private static <T> List<T> rotate(List<T> list, int by) {
    List<T> rotated = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      rotated.add(list.get((i + by) % list.size()));
    }
    return rotated;
  }

  static void log(String message) {
    System.out.println("[bench " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
  }

  private static double compilerMicros(Map<String, Long> byGroup) {
    long sum = 0;
    for (Map.Entry<String, Long> e : byGroup.entrySet()) {
      if (e.getKey().contains("CompilerThre")) { // "C1 CompilerThre", "C2 CompilerThre" (digits folded)
        sum += e.getValue();
      }
    }
    return sum;
  }

  /** The measured window's CPU per request by thread group, largest first (see docs/benchmarks.md). */
  private static void logThreadCpu(Map<String, Long> before, Map<String, Long> after, long served) {
    StringBuilder line = new StringBuilder("  CPU us/req by thread:");
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(12)
        .forEach(e -> line.append(String.format(" %s=%.1f", e.getKey(), e.getValue() / (double) Math.max(1, served))));
    log(line.toString());
  }
}
