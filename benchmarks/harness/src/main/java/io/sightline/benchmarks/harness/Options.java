package io.sightline.benchmarks.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command-line options; see {@code benchmarks/run.sh --help}. */
final class Options {
  Path appJar;
  Path sightlineJar;
  Path otelJar;
  String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  Path resultsDir = Path.of("benchmarks/results");
  Path workDir = Path.of("benchmarks/target/run");
  String configNames = "none,sightline,otel";
  int warmupSeconds = 90;
  int earlySeconds = 15;
  int measureSeconds = 60;
  int rounds = 3;
  int startupRuns = 5;
  int connections = 16;
  /** Requests per second in the fixed-rate window; 0 leaves the window out. */
  int rate = 5000;
  int rateConnections = 64;
  /** The closed-loop window at {@link #connections}; -1: as long as the fixed-rate window. 0 leaves it out. */
  int saturationSeconds = -1;
  int wrkThreads = 2;
  /**
   * Further configurations by name ({@code --agent NAME=JAR}), for A/B runs of builds; {@code
   * NAME=none} is one more JVM without an agent.
   */
  final java.util.Map<String, Path> agents = new java.util.LinkedHashMap<>();
  /** Cycles of paired saturation windows after the rounds (see {@link PairedWindows}); 0 leaves them out. */
  int pairedCycles;
  int pairedSeconds = 10;
  boolean quick;
  /** Log the top of a live-object class histogram after load and GC (jcmd GC.class_histogram). */
  boolean heapHistogram;
  String note = "";
  /** Extra JVM options for every app start; {@code {config}} is replaced by the configuration name. */
  final java.util.List<String> jvmArgs = new java.util.ArrayList<>();
  String loadBefore = "?";
  static final String NODELAY = "sun.net.httpserver.nodelay";
  /**
   * TCP_NODELAY on the JDK HttpServer of the app and of the stub, as Jetty, Tomcat and Netty set it
   * by default. Without it the run is latency-bound by delayed ACKs, not CPU-bound.
   */
  boolean nodelay = true;

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--nodelay": // the default since 2026-11-26; kept so that older command lines still run
          o.nodelay = true;
          continue;
        case "--no-nodelay":
          // The JDK HttpServer's own default, as in every run before 2026-11-26: each request then
          // waits ~40 ms for a delayed ACK, and the run is latency-bound (docs/benchmarks.md).
          o.nodelay = false;
          continue;
        case "--quick":
          o.quick = true;
          o.warmupSeconds = 10;
          o.earlySeconds = 5;
          o.measureSeconds = 10;
          o.rounds = 1;
          o.startupRuns = 1;
          o.rate = 2000;
          continue;
        case "--app": o.appJar = Path.of(value); break;
        case "--sightline": o.sightlineJar = Path.of(value); break;
        case "--otel": o.otelJar = Path.of(value); break;
        case "--java": o.java = value; break;
        case "--results": o.resultsDir = Path.of(value); break;
        case "--work": o.workDir = Path.of(value); break;
        case "--configs": o.configNames = value; break;
        case "--warmup": o.warmupSeconds = seconds(value); break;
        case "--early": o.earlySeconds = seconds(value); break;
        case "--duration": o.measureSeconds = seconds(value); break;
        case "--rounds": o.rounds = Integer.parseInt(value); break; // 0: startup only
        case "--startup-runs": o.startupRuns = Integer.parseInt(value); break;
        case "--connections": o.connections = Integer.parseInt(value); break;
        case "--rate": o.rate = Integer.parseInt(value); break;
        case "--rate-connections": o.rateConnections = Integer.parseInt(value); break;
        case "--saturation": o.saturationSeconds = seconds(value); break;
        case "--wrk-threads": o.wrkThreads = Integer.parseInt(value); break;
        case "--agent":
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--agent takes NAME=JAR");
          }
          o.agents.put(value.substring(0, eq), Path.of(value.substring(eq + 1)));
          break;
        case "--paired": o.pairedCycles = Integer.parseInt(value); break;
        case "--paired-seconds": o.pairedSeconds = seconds(value); break;
        case "--note": o.note = value; break;
        case "--jvm-arg": o.jvmArgs.add(value); break;
        case "--heap-histogram":
          o.heapHistogram = true;
          continue;
        default:
          throw new IllegalArgumentException("unknown option " + arg);
      }
      i++;
    }
    if (o.appJar == null || !Files.isRegularFile(o.appJar)) {
      throw new IllegalArgumentException("--app must name the benchmark app jar");
    }
    o.earlySeconds = Math.min(o.earlySeconds, o.warmupSeconds);
    if (o.saturationSeconds < 0) {
      o.saturationSeconds = o.measureSeconds;
    }
    if (o.nodelay) {
      o.jvmArgs.add(0, "-D" + NODELAY + "=true");
    }
    return o;
  }

  /** Accepts {@code 90}, {@code 90s} or {@code 2m}. */
  private static int seconds(String value) {
    if (value.endsWith("m")) {
      return Integer.parseInt(value.substring(0, value.length() - 1)) * 60;
    }
    return Integer.parseInt(value.endsWith("s") ? value.substring(0, value.length() - 1) : value);
  }

  List<AgentConfig> configs() {
    List<AgentConfig> configs = new ArrayList<>();
    for (String name : configNames.split(",")) {
      switch (name.trim()) {
        case "none": configs.add(new AgentConfig("none", null)); break;
        case "sightline": configs.add(new AgentConfig("sightline", require(sightlineJar, "--sightline"))); break;
        case "otel": configs.add(new AgentConfig("otel", require(otelJar, "--otel"))); break;
        default:
          if (!agents.containsKey(name.trim())) {
            throw new IllegalArgumentException("unknown configuration " + name + " (none, sightline, otel, or a --agent NAME=JAR)");
          }
          Path jar = agents.get(name.trim());
          // NAME=none: a second no-agent JVM, to tell the machine's drift from an agent's
          configs.add(new AgentConfig(name.trim(), jar.toString().equals("none") ? null
              : require(jar, "--agent " + name.trim())));
      }
    }
    return configs;
  }

  private static Path require(Path jar, String option) {
    if (jar == null || !Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(option + " must name an agent jar");
    }
    return jar;
  }

  String describe() {
    return String.format("warm-up %d s at saturation (early-life window: its first %d s); then %s; then %s; "
        + "%d round(s), %d extra startup run(s); wrk -t%d%s", warmupSeconds, earlySeconds,
        saturationSeconds > 0 ? String.format("%d s at saturation (closed loop, %d connections)", saturationSeconds,
            connections) : "no saturation window",
        rate > 0 ? String.format("%d s at a fixed %d req/s over %d connections", measureSeconds, rate, rateConnections)
            : "no fixed-rate window",
        rounds, startupRuns, wrkThreads, nodelay ? ", TCP_NODELAY on the app's and the stub's HttpServer"
        : ", **without** TCP_NODELAY (latency-bound by delayed ACKs)");
  }
}
