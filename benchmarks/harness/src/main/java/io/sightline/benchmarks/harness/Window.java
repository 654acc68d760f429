package io.sightline.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.Map;

/**
 * One measured load window: what the app served and spent in it, and what the rest of the machine
 * (wrk, and this JVM's stub and OTLP sink) spent alongside, per request served.
 */
final class Window {
  private final AppProcess app;
  private final Map<String, Long> statsBefore;
  private final long cpuBefore;
  private final Map<String, long[]> threadsBefore;
  private final long harnessCpuBefore;
  private Map<String, Long> statsAfter;
  private long cpuAfter;
  private Map<String, long[]> threadsAfter;
  private long harnessCpuAfter;
  private double wrkCpu;

  private Window(AppProcess app) throws Exception {
    this.app = app;
    this.statsBefore = app.stats(false);
    this.cpuBefore = app.cpuMicros();
    this.threadsBefore = app.cpuMicrosByThreadGroup();
    this.harnessCpuBefore = harnessCpuMicros();
  }

  static Window open(AppProcess app) throws Exception {
    return new Window(app);
  }

  void close(Wrk.Result load) throws Exception {
    harnessCpuAfter = harnessCpuMicros();
    cpuAfter = app.cpuMicros();
    threadsAfter = app.cpuMicrosByThreadGroup();
    statsAfter = app.stats(false);
    wrkCpu = load.cpuMicros();
  }

  long served() {
    return Math.max(1, statsAfter.get("served") - statsBefore.get("served"));
  }

  /**
   * The app's CPU per request, and optionally the JIT compiler threads' share and the rest apart:
   * the JIT is the noisiest part (still compiling after minutes on 2 cores, with or without an
   * agent), so a change can be judged with and without it.
   */
  void putCpu(Map<String, Double> m, Metric total, Metric jit, Metric withoutJit) {
    double perRequest = (cpuAfter - cpuBefore) / (double) served();
    m.put(total.key, perRequest);
    if (jit != null) {
      double compiler = (compilerMicros(threadsAfter) - compilerMicros(threadsBefore)) / (double) served();
      m.put(jit.key, compiler);
      m.put(withoutJit.key, perRequest - compiler);
    }
  }

  double wrkPerRequest() {
    return wrkCpu / served();
  }

  double harnessPerRequest() {
    return (harnessCpuAfter - harnessCpuBefore) / (double) served();
  }

  double allocatedKbPerRequest() {
    return (statsAfter.get("allocatedBytes") - statsBefore.get("allocatedBytes")) / 1024.0 / served();
  }

  /**
   * The window's CPU per request by thread group, largest first, each with its system (kernel)
   * part: with no agent most of a request's CPU is the kernel's (see docs/benchmarks.md).
   */
  void logThreadCpu() {
    StringBuilder line = new StringBuilder("  CPU us/req by thread (of which system):");
    long[] none = new long[2];
    threadsAfter.entrySet().stream()
        .map(e -> {
          long[] before = threadsBefore.getOrDefault(e.getKey(), none);
          return Map.entry(e.getKey(), new long[] {e.getValue()[0] - before[0], e.getValue()[1] - before[1]});
        })
        .filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
        .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0] + e.getValue()[1]).reversed())
        .limit(12)
        .forEach(e -> line.append(String.format(" %s=%.1f (%.1f)", e.getKey(),
            (e.getValue()[0] + e.getValue()[1]) / (double) served(), e.getValue()[1] / (double) served())));
    Harness.log(line.toString());
  }

  private static double compilerMicros(Map<String, long[]> byGroup) {
    long sum = 0;
    for (Map.Entry<String, long[]> e : byGroup.entrySet()) {
      if (e.getKey().contains("CompilerThre")) { // "C1 CompilerThre", "C2 CompilerThre" (digits folded)
        sum += e.getValue()[0] + e.getValue()[1];
      }
    }
    return sum;
  }

  /** This JVM's CPU time: the stub and the OTLP sink (the main thread only waits). */
  private static long harnessCpuMicros() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
        / 1000;
  }
}
