package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.sightline.testing.Otlp;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.Project;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The non-OTLP exporters, several at once, the shutdown flush, and the usage text. */
class ExportersIT {
  @Test
  void otlpFileWritesCollectorFormatLinesForTracesAndMetrics() throws Exception {
    Path dir = TestApp.tempDir("sightline-otlp-file");
    try (TestApp app = TestApp.app("jdk-http-server-app").workDir(dir)
        .property("otel.traces.exporter", "otlp-file")
        .property("otel.metrics.exporter", "otlp-file")
        .property("otel.logs.exporter", "none")
        .property("otel.bsp.schedule.delay", "100")
        .property("otel.metric.export.interval", "300")
        .property("otel.service.name", "file-it")
        .start()) {
      app.get("/users/42");
      Path file = dir.resolve("sightline-telemetry.jsonl");
      List<ExportTraceServiceRequest> traces = new ArrayList<>();
      List<ExportMetricsServiceRequest> metrics = new ArrayList<>();
      Wait.until(() -> {
        traces.clear();
        metrics.clear();
        for (String line : readLines(file)) {
          // Every line is one complete OTLP-JSON export request, as the Collector's file exporter writes.
          if (line.startsWith("{\"resourceSpans\"")) {
            ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
            parse(line, b);
            traces.add(b.build());
          } else {
            ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
            parse(line, b);
            metrics.add(b.build());
          }
        }
        return traces.size() + metrics.size();
      }, n -> !traces.isEmpty() && metrics.stream().anyMatch(ExportersIT::hasServerDuration), Duration.ofSeconds(20), "otlp-file lines");
      var span = traces.get(0).getResourceSpans(0).getScopeSpans(0).getSpans(0);
      assertThat(span.getName()).isEqualTo("GET /users/{id}");
      assertThat(Otlp.attributes(traces.get(0).getResourceSpans(0).getResource().getAttributesList()))
          .containsEntry("service.name", "file-it");
    }
  }

  private static boolean hasServerDuration(ExportMetricsServiceRequest request) {
    return request.getResourceMetricsList().stream().flatMap(r -> r.getScopeMetricsList().stream())
        .flatMap(s -> s.getMetricsList().stream()).anyMatch(m -> m.getName().equals("http.server.request.duration"));
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void parse(String json, com.google.protobuf.Message.Builder builder) {
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("not OTLP-JSON: " + json, e);
    }
  }

  @Test
  void consoleAndOtlpAtOnce() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
            .property("otel.traces.exporter", "console,otlp").start()) {
      app.get("/hello");
      receiver.awaitSpans(s -> "GET /hello".equals(s.name()), 1, Duration.ofSeconds(20));
      String line = Wait.until(() -> app.stderrLines().stream().filter(l -> l.startsWith("[sightline] span 'GET /hello' SERVER")).findFirst().orElse(null),
          l -> l != null, Duration.ofSeconds(10), "console span line");
      assertThat(line).contains("http.route=/hello").contains("http.response.status_code=200");
    }
  }

  @Test
  void pendingSpansAreFlushedOnShutdown() throws InterruptedException {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
          .property("otel.bsp.schedule.delay", "60000") // nothing would be sent for a minute
          .start();
      app.get("/hello");
      // The span ends just after the response is written; give the server thread that moment.
      Thread.sleep(300);
      assertThat(receiver.spans()).isEmpty();
      int exit = app.stop();
      assertThat(receiver.spans()).as("exit %d, output:%n%s", exit, app.output())
          .extracting(s -> s.name()).containsExactly("GET /hello");
    }
  }

  /**
   * A collector that refuses connections: the agent says what it dropped (the export processors'
   * own counters), and the JVM's exit is not held by retries to it.
   */
  @Test
  void aRefusingCollectorIsReportedAndDoesNotHoldTheExit() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    TestApp app = TestApp.app("jdk-http-server-app")
        .property("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + closedPort)
        .property("otel.bsp.max.queue.size", "16")
        .property("sightline.telemetry.drop-warning-interval", "1s")
        .start();
    try {
      for (int i = 0; i < 100; i++) {
        app.get("/hello");
      }
      Wait.until(app::stderrLines, lines -> lines.stream().anyMatch(l -> l.startsWith(
          "[sightline] WARN telemetry dropped since the last report: ")), Duration.ofSeconds(20), "the drop warning");
    } finally {
      long start = System.nanoTime();
      app.stop();
      // Without retries at shutdown the flush fails at once; with them it took the whole 5 s bound.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("exit").isLessThan(4_000);
    }
  }

  /**
   * A collector that accepts and never answers holds the exit no longer than the shutdown timeout
   * (the SDK's own shutdown blocks for up to 5 s in its metric reader, then waits for the export).
   */
  @Test
  void aSilentCollectorHoldsTheExitOnlyForTheShutdownTimeout() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        List<java.net.Socket> open = new ArrayList<>();
        while (!silent.isClosed()) {
          try {
            open.add(silent.accept()); // read nothing, answer nothing
          } catch (java.io.IOException e) {
            return;
          }
        }
      }, "silent-collector");
      acceptor.setDaemon(true);
      acceptor.start();
      TestApp app = TestApp.app("jdk-http-server-app")
          .property("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + silent.getLocalPort())
          .property("sightline.shutdown.timeout", "1s")
          .property("otel.bsp.schedule.delay", "60000") // the span waits for the flush at shutdown
          .start();
      app.get("/hello");
      long start = System.nanoTime();
      app.stop();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("exit").isLessThan(3_500);
    }
  }

  @Test
  void runningTheJarPrintsUsage() throws Exception {
    Process process = new ProcessBuilder(Project.java(), "-jar", Project.agentJar().toString())
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(out).startsWith("Sightline 0.1.0-SNAPSHOT").contains("-javaagent:sightline-agent.jar")
        .contains("docs/configuration.md").contains("java -jar sightline-agent.jar diagnose FILE");
  }
}
