package io.sightline.benchmarks.harness;

/** The figures the harness reports, in table order. */
enum Metric {
  STARTUP("startup", "Startup: JVM start to first 200 (ms)", "%.0f", true),
  STARTUP_CACHED("startup_cached", "Startup with Sightline's startup cache, warm (ms)", "%.0f", true),
  EARLY_THROUGHPUT("early_rps", "Early life: throughput (req/s)", "%.0f", false),
  EARLY_P50("early_p50", "Early life: p50 latency (ms)", "%.2f", true),
  EARLY_P99("early_p99", "Early life: p99 latency (ms)", "%.2f", true),
  RATE_ACHIEVED("rate_rps", "Fixed rate: achieved (req/s)", "%.0f", false),
  RATE_P50("rate_p50", "Fixed rate: p50 latency (ms)", "%.2f", true),
  RATE_P99("rate_p99", "Fixed rate: p99 latency (ms)", "%.2f", true),
  CPU_PER_REQUEST("cpu_us", "Fixed rate: CPU time per request (µs)", "%.0f", true),
  JIT_PER_REQUEST("jit_us", "– of which JIT compiler threads (µs)", "%.0f", true),
  CPU_WITHOUT_JIT("cpu_nojit_us", "– CPU per request without the JIT (µs)", "%.0f", true),
  LOADGEN_CPU_PER_REQUEST("wrk_us", "– beside it, load generator (wrk) CPU per request (µs)", "%.0f", true),
  HARNESS_CPU_PER_REQUEST("sink_us", "– beside it, stub and OTLP sink CPU per request (µs)", "%.0f", true),
  ALLOCATION_PER_REQUEST("alloc_kb", "Allocation per request (KB)", "%.1f", true),
  THROUGHPUT("rps", "Saturation: throughput (req/s)", "%.0f", false),
  P50("p50", "Saturation: p50 latency (ms)", "%.2f", true),
  P99("p99", "Saturation: p99 latency (ms)", "%.2f", true),
  SATURATED_CPU_PER_REQUEST("sat_cpu_us", "Saturation: CPU time per request (µs)", "%.0f", true),
  SPANS_PER_REQUEST("spans_per_req", "Spans per request", "%.1f", false),
  SPANS_RECEIVED("spans_pct", "Spans received / expected (%)", "%.1f", false),
  LOGS_PER_REQUEST("logs_per_req", "Log records exported per request", "%.2f", false),
  FAILED("failed", "Failed requests (non-2xx, socket errors)", "%.0f", true),
  RSS("rss_mb", "RSS after load (MB)", "%.0f", true),
  HEAP("heap_mb", "Heap used after load and GC (MB)", "%.1f", true),
  CLASSES("classes", "Loaded classes", "%.0f", true),
  JAR("jar_mb", "Agent jar (MB)", "%.1f", true);

  final String key;
  final String label;
  final String format;
  final boolean lowerIsBetter;

  Metric(String key, String label, String format, boolean lowerIsBetter) {
    this.key = key;
    this.label = label;
    this.format = format;
    this.lowerIsBetter = lowerIsBetter;
  }
}
