package io.sightline.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk} and parses what it prints: as fast as a fixed number of connections allow
 * (closed loop, {@link #run}), or at a fixed request rate ({@link #runAtRate}).
 */
final class Wrk {
  private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|75|90|99)(?:\\.0+)?%\\s+([\\d.]+)(us|ms|s)\\s*$");
  private static final Pattern TOTAL = Pattern.compile("^\\s*(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s*(\\d+)");
  private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private static final Pattern TIMES = Pattern.compile("^(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s$");

  /** What one wrk run measured. Latencies and wrk's own CPU time in microseconds. */
  record Result(long requests, double seconds, double p50, double p99, long failures, double cpuMicros) {
    double throughput() {
      return seconds <= 0 ? 0 : requests / seconds;
    }
  }

  private final int threads;
  private final int connections;

  Wrk(int threads, int connections) {
    this.threads = threads;
    this.connections = connections;
  }

  /** Closed loop: each connection sends its next request as soon as the last response arrives. */
  Result run(String url, int seconds) throws IOException, InterruptedException {
    return wrk(seconds, List.of("-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s", "--latency", url));
  }

  /**
   * A fixed rate (the {@code fixed-rate.lua} script), over enough connections that a request
   * rarely waits for a free one: CPU per request and latency at a load the app can carry, not at
   * whatever load saturates it.
   */
  Result runAtRate(String url, int seconds, int rate, int rateConnections, Path script)
      throws IOException, InterruptedException {
    return wrk(seconds, List.of("-t" + threads, "-c" + rateConnections, "-d" + seconds + "s", "--timeout", "10s", "--latency",
        "-s", script.toString(), url, "--", Integer.toString(rate), Integer.toString(threads)));
  }

  /** Writes the fixed-rate script where wrk can read it. */
  static Path extractRateScript(Path dir) throws IOException {
    Path script = dir.resolve("fixed-rate.lua");
    try (InputStream in = Wrk.class.getResourceAsStream("/fixed-rate.lua")) {
      Files.write(script, in.readAllBytes());
    }
    return script;
  }

  private static Result wrk(int seconds, List<String> arguments) throws IOException, InterruptedException {
    // Through a shell whose `times` prints the CPU wrk used: the load generator shares the 2 cores
    // with the app, and how much it takes is part of reading a CPU-bound figure.
    List<String> command = new ArrayList<>(List.of("bash", "-c", "wrk \"$@\"; s=$?; times; exit $s", "wrk"));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("wrk failed:\n" + output);
    }
    return parse(output);
  }

  static Result parse(String output) {
    long requests = 0;
    double seconds = 0;
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    long failures = 0;
    double cpu = Double.NaN;
    for (String line : output.split("\n")) {
      Matcher times = TIMES.matcher(line.trim());
      if (times.find()) { // the second `times` line (the children's) is the last one
        cpu = (Long.parseLong(times.group(1)) * 60 + Double.parseDouble(times.group(2))
            + Long.parseLong(times.group(3)) * 60 + Double.parseDouble(times.group(4))) * 1e6;
        continue;
      }
      Matcher m = PERCENTILE.matcher(line);
      if (m.find()) {
        double micros = toMicros(Double.parseDouble(m.group(2)), m.group(3));
        if (m.group(1).equals("50")) {
          p50 = micros;
        } else if (m.group(1).equals("99")) {
          p99 = micros;
        }
        continue;
      }
      m = TOTAL.matcher(line);
      if (m.find()) {
        requests = Long.parseLong(m.group(1));
        seconds = toMicros(Double.parseDouble(m.group(2)), m.group(3)) / 1e6;
        continue;
      }
      m = NON_2XX.matcher(line);
      if (m.find()) {
        failures += Long.parseLong(m.group(1));
        continue;
      }
      m = ERRORS.matcher(line);
      if (m.find()) {
        for (int i = 1; i <= 4; i++) {
          failures += Long.parseLong(m.group(i));
        }
      }
    }
    return new Result(requests, seconds, p50, p99, failures, cpu);
  }

  private static double toMicros(double value, String unit) {
    switch (unit) {
      case "us":
        return value;
      case "ms":
        return value * 1e3;
      case "s":
        return value * 1e6;
      case "m":
        return value * 60e6;
      default:
        throw new IllegalArgumentException(unit);
    }
  }
}
