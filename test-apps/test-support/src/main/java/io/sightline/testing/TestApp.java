package io.sightline.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test application running in its own JVM, with or without {@code -javaagent}. It is ready when
 * it prints {@code READY port=N}.
 */
public final class TestApp implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final List<String> stdout;
  private final List<String> stderr;
  private final int port;
  private final long startNanos;

  private TestApp(Process process, List<String> stdout, List<String> stderr, int port, long startNanos) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.port = port;
    this.startNanos = startNanos;
  }

  /** An app from {@code test-apps/<module>}. */
  public static Builder app(String module) {
    return new Builder(List.of("-jar", Project.appJar(module).toString()));
  }

  /** Any main class on a class path. */
  public static Builder mainClass(String classPath, String mainClass) {
    return new Builder(List.of("-cp", classPath, mainClass));
  }

  public int port() {
    return port;
  }

  /** The app's process id, to attach to it. */
  public long pid() {
    return process.pid();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed: " + e + "\n" + output(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Like {@link #get}, but a failed exchange yields null instead of an error. */
  public HttpResponse<String> tryGet(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public List<String> stdoutLines() {
    return new ArrayList<>(stdout);
  }

  public List<String> stderrLines() {
    return new ArrayList<>(stderr);
  }

  /** Everything the app printed, for failure messages. */
  public String output() {
    return "--- stdout ---\n" + String.join("\n", stdout) + "\n--- stderr ---\n" + String.join("\n", stderr);
  }

  /** Nanoseconds from process start to READY, as measured by the launcher. */
  public long startNanos() {
    return startNanos;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Asks the JVM to exit (SIGTERM, shutdown hooks run) and waits for it. */
  public int stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }

  public static final class Builder {
    private final List<String> target;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private boolean agent = true;
    private String java = Project.java();
    private Duration timeout = Duration.ofSeconds(60);
    private Path workDir;

    private Builder(List<String> target) {
      this.target = target;
    }

    public Builder withoutAgent() {
      agent = false;
      return this;
    }

    /**
     * Exports everything to the receiver over OTLP/HTTP with short delays, so tests see telemetry
     * within a second.
     */
    public Builder exportTo(OtlpReceiver receiver) {
      properties.put("otel.exporter.otlp.endpoint", receiver.endpoint());
      properties.putIfAbsent("otel.bsp.schedule.delay", "100");
      properties.putIfAbsent("otel.blrp.schedule.delay", "100");
      properties.putIfAbsent("otel.metric.export.interval", "500");
      return this;
    }

    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    public Builder arg(String arg) {
      args.add(arg);
      return this;
    }

    public Builder java(String javaExecutable) {
      java = javaExecutable;
      return this;
    }

    public Builder workDir(Path directory) {
      workDir = directory;
      return this;
    }

    public Builder readyTimeout(Duration duration) {
      timeout = duration;
      return this;
    }

    public List<String> command() {
      List<String> command = new ArrayList<>();
      command.add(java);
      if (agent) {
        command.add("-javaagent:" + Project.agentJar());
      }
      command.addAll(jvmArgs);
      properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
      command.addAll(target);
      command.addAll(args);
      return command;
    }

    public TestApp start() {
      List<String> command = command();
      ProcessBuilder builder = new ProcessBuilder(command);
      if (workDir != null) {
        builder.directory(workDir.toFile());
      }
      builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("SIGHTLINE_") || k.equals("JAVA_TOOL_OPTIONS"));
      builder.environment().putAll(env);
      long start = System.nanoTime();
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + command, e);
      }
      List<String> stdout = new CopyOnWriteArrayList<>();
      List<String> stderr = new CopyOnWriteArrayList<>();
      pump(process.getInputStream(), stdout, "stdout");
      pump(process.getErrorStream(), stderr, "stderr");
      long deadline = start + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (String line : stdout) {
          Matcher m = READY.matcher(line);
          if (m.find()) {
            return new TestApp(process, stdout, stderr, Integer.parseInt(m.group(1)), System.nanoTime() - start);
          }
        }
        if (!process.isAlive()) {
          throw new AssertionError("app exited with " + process.exitValue() + " before READY: " + command
              + "\n--- stdout ---\n" + String.join("\n", stdout) + "\n--- stderr ---\n" + String.join("\n", stderr));
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      process.destroyForcibly();
      throw new AssertionError("app not READY within " + timeout + ": " + command
          + "\n--- stdout ---\n" + String.join("\n", stdout) + "\n--- stderr ---\n" + String.join("\n", stderr));
    }

    private static void pump(InputStream in, List<String> lines, String name) {
      Thread thread = new Thread(() -> {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "test-app-" + name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** The working directory helper for apps that write files. */
  public static Path tempDir(String prefix) {
    try {
      return java.nio.file.Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
