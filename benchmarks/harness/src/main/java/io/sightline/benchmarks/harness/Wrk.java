package io.sightline.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} at a fixed concurrency (closed loop) and parses what it prints. */
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

  Result run(String url, int seconds) throws IOException, InterruptedException {
    // Through a shell whose `times` prints the CPU wrk used: the load generator shares the 2 cores
    // with the app, and how much it takes is part of reading a CPU-bound figure.
    List<String> command = new ArrayList<>(List.of("bash", "-c", "wrk \"$@\"; s=$?; times; exit $s", "wrk",
        "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s", "--latency", url));
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
