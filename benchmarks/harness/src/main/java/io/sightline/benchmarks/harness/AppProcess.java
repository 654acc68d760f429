package io.sightline.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of the benchmark app in its own JVM, and what can be read about it from outside. */
final class AppProcess implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();
  private static final Pattern NUMBER_FIELD = Pattern.compile("\"(\\w+)\":(-?\\d+)");
  private static final long CLOCK_TICKS = clockTicks();
  static final List<String> HEAP_OPTIONS = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");

  private final Process process;
  private final int port;
  final long startupMillis;

  private AppProcess(Process process, int port, long startupMillis) {
    this.process = process;
    this.port = port;
    this.startupMillis = startupMillis;
  }

  /**
   * Starts the app and waits for its first 200 on {@code /work}; the startup time is from just
   * before the JVM is spawned to that response.
   */
  static AppProcess start(String java, AgentConfig config, List<String> extraJvmArgs, Path appJar,
      String sinkEndpoint, String stubUrl,
      Path logFile) throws IOException, InterruptedException {
    int port = FreePort.pick();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(HEAP_OPTIONS);
    command.addAll(config.jvmArgs(sinkEndpoint));
    for (String arg : extraJvmArgs) {
      command.add(arg.replace("{config}", config.name()));
    }
    command.add("-Dapp.port=" + port);
    command.add("-Dstub.url=" + stubUrl);
    command.add("-jar");
    command.add(appJar.toString());
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("OTEL_") || k.equals("JAVA_TOOL_OPTIONS"));
    long start = System.nanoTime();
    Process process = builder.start();
    URI work = URI.create("http://127.0.0.1:" + port + "/work");
    long deadline = start + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(config.name() + ": the app exited with " + process.exitValue() + ", see " + logFile);
      }
      try {
        HttpResponse<Void> response = CLIENT.send(HttpRequest.newBuilder(work).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          return new AppProcess(process, port, millis);
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(5);
    }
    process.destroyForcibly();
    throw new IOException(config.name() + ": no 200 from /work within 120 s, see " + logFile);
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  void get(String path) throws IOException, InterruptedException {
    HttpResponse<Void> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url(path)))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw new IOException(path + " answered " + response.statusCode());
    }
  }

  /** The app's own counters ({@code /stats}): served, allocatedBytes, heapUsed, loadedClasses... */
  Map<String, Long> stats(boolean gcFirst) throws IOException, InterruptedException {
    HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url(gcFirst ? "/stats?gc=1" : "/stats")))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Long> values = new java.util.HashMap<>();
    Matcher m = NUMBER_FIELD.matcher(response.body());
    while (m.find()) {
      values.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return values;
  }

  /** User plus system CPU time of the whole JVM so far, from /proc/PID/stat, in microseconds. */
  long cpuMicros() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
    return ticks * 1_000_000L / CLOCK_TICKS;
  }

  /**
   * CPU time so far per thread group, in microseconds, as {user, system}: thread names from
   * /proc/PID/task/TID/stat with digits folded to {@code #} ("C2 CompilerThread#",
   * "pool-#-thread-#"), so that where the measured window's CPU went (application threads, JIT, GC,
   * the agent's exporter threads, and how much of it the kernel's) shows. Threads that ended in
   * between are missing: a breakdown, not a total.
   */
  Map<String, long[]> cpuMicrosByThreadGroup() throws IOException {
    Map<String, long[]> groups = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long[] group = groups.computeIfAbsent(name, n -> new long[2]);
        group[0] += Long.parseLong(fields[11]) * 1_000_000L / CLOCK_TICKS; // utime
        group[1] += Long.parseLong(fields[12]) * 1_000_000L / CLOCK_TICKS; // stime
      }
    }
    return groups;
  }

  /** The first {@code lines} rows of {@code jcmd PID GC.class_histogram} (live objects: runs a full GC). */
  String heapHistogram(int lines) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out.lines().skip(1).limit(lines + 2L).collect(java.util.stream.Collectors.joining("\n"));
  }

  /** Resident set size from /proc/PID/status, in bytes. */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: agents flush in their shutdown hooks
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return 100;
    }
  }
}
