package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code otel.metrics.exporter=prometheus} on the JDK HttpServer app, with traces exported over
 * OTLP: the scrape is valid for promtool, carries route labels and exemplars of exported spans,
 * JVM metrics, and the endpoint withstands concurrent and malformed requests.
 */
class PrometheusExporterIT {
  /** promtool lint findings that the semantic-convention names themselves cause (docs/metrics.md). */
  static final Set<String> SEMCONV_LINT = Set.of(
      "jvm_class_count non-histogram and non-summary metrics should not have \"_count\" suffix",
      "jvm_cpu_count non-histogram and non-summary metrics should not have \"_count\" suffix",
      "jvm_thread_count non-histogram and non-summary metrics should not have \"_count\" suffix",
      "db_client_connection_count non-histogram and non-summary metrics should not have \"_count\" suffix");

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static OtlpReceiver receiver;
  private static TestApp app;
  private static int metricsPort;

  @BeforeAll
  static void start() {
    receiver = OtlpReceiver.start();
    metricsPort = Scrape.freePort();
    app = TestApp.app("jdk-http-server-app")
        .exportTo(receiver)
        .property("otel.service.name", "prometheus-it")
        .property("otel.metrics.exporter", "prometheus")
        .property("otel.exporter.prometheus.host", "127.0.0.1")
        .property("otel.exporter.prometheus.port", String.valueOf(metricsPort))
        .start();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    receiver.close();
  }

  private static void load() {
    for (int i = 0; i < 20; i++) {
      assertThat(app.get("/hello").statusCode()).isEqualTo(200);
      assertThat(app.get("/users/" + (1000 + i)).statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(app.get("/status/503").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void scrapePassesPromtoolWithOnlySemanticConventionLints() {
    load();
    String body = Scrape.text(metricsPort).body;
    Tools.Result result = Tools.run(body, null, Tools.require("promtool").toString(), "check", "metrics");
    List<String> findings = result.output().lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    assertThat(result.exitCode()).as(result.output()).isIn(0, 3); // 3: lint only; 1: parse error
    assertThat(findings).as("promtool findings").isSubsetOf(SEMCONV_LINT);
  }

  @Test
  void everyMetricFamilyHasHelpAndType() {
    load();
    Scrape scrape = Scrape.text(metricsPort);
    assertThat(scrape.typed).isNotEmpty();
    assertThat(scrape.helped).containsExactlyInAnyOrderElementsOf(scrape.typed);
    assertThat(scrape.body).contains("# HELP target_info Target metadata");
  }

  @Test
  void requestDurationHasRouteLabelsAndExemplarsOfExportedSpans() {
    receiver.reset();
    load();
    Scrape scrape = Scrape.openMetrics(metricsPort);
    assertThat(scrape.body).endsWith("# EOF\n");
    assertThat(scrape.labelValues("http_server_request_duration_seconds_bucket", "http_route"))
        .containsExactlyInAnyOrder("/hello", "/users/{id}", "/status/{id}");

    List<Scrape.Sample> withExemplars = scrape.named("http_server_request_duration_seconds_bucket").stream()
        .filter(s -> s.exemplar() != null).toList();
    assertThat(withExemplars).isNotEmpty();
    // Until every exemplar's trace has arrived: a count of SERVER spans is not enough, since spans of
    // an earlier test's load can still arrive after the reset and make up the count.
    java.util.Set<String> exemplarTraces = new java.util.HashSet<>();
    withExemplars.forEach(sample -> exemplarTraces.add(sample.exemplar().get("trace_id")));
    List<ReceivedSpan> spans = receiver.awaitSpans(received -> received.stream()
        .filter(span -> span.kind() == Span.SpanKind.SPAN_KIND_SERVER)
        .map(ReceivedSpan::traceId)
        .collect(java.util.stream.Collectors.toSet())
        .containsAll(exemplarTraces), WAIT).stream()
        .filter(span -> span.kind() == Span.SpanKind.SPAN_KIND_SERVER)
        .toList();
    Map<String, String> spanIdByTrace = new HashMap<>();
    for (ReceivedSpan span : spans) {
      spanIdByTrace.put(span.traceId(), span.spanId());
    }
    for (Scrape.Sample sample : withExemplars) {
      String traceId = sample.exemplar().get("trace_id");
      assertThat(traceId).matches("[0-9a-f]{32}");
      assertThat(spanIdByTrace).as("exemplar of %s", sample).containsEntry(traceId, sample.exemplar().get("span_id"));
      // The exemplar belongs to a request of the same route.
      ReceivedSpan span = spans.stream().filter(s -> s.traceId().equals(traceId)).findFirst().orElseThrow();
      assertThat(span.attribute("http.route")).isEqualTo(sample.label("http_route"));
    }
  }

  @Test
  void jvmRuntimeMetricsArePresent() {
    Scrape scrape = Scrape.text(metricsPort);
    assertThat(scrape.names()).contains(
        "jvm_memory_used_bytes", "jvm_memory_committed_bytes", "jvm_memory_limit_bytes",
        "jvm_thread_count", "jvm_cpu_time_seconds_total", "jvm_cpu_count", "jvm_cpu_recent_utilization",
        "jvm_class_loaded_total", "jvm_class_unloaded_total", "jvm_class_count");
    assertThat(scrape.labelValues("jvm_memory_used_bytes", "jvm_memory_type")).containsExactlyInAnyOrder("heap", "non_heap");
    assertThat(scrape.labelValues("jvm_thread_count", "jvm_thread_state")).contains("runnable");
    assertThat(scrape.labelValues("jvm_thread_count", "jvm_thread_daemon")).contains("true", "false");
    assertThat(scrape.named("jvm_cpu_count").get(0).value()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(scrape.named("jvm_class_count").get(0).value()).isGreaterThan(1000);
    assertThat(scrape.named("jvm_memory_used_bytes")).allSatisfy(s ->
        assertThat(s.label("otel_scope_name")).isEqualTo("io.sightline.runtime-telemetry"));
  }

  @Test
  void survivesConcurrentScrapesAndBadRequests() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String accept = i % 2 == 0 ? null : Scrape.OPENMETRICS;
        results.add(pool.submit(() -> {
          HttpResponse<String> response = Scrape.get(metricsPort, "/metrics", accept);
          Scrape.of(response.body()); // parses
          return response.statusCode();
        }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(Scrape.get(metricsPort, "/nothing-here", null).statusCode()).isEqualTo(404);
    HttpResponse<String> protobuf = Scrape.get(metricsPort, "/metrics",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3");
    assertThat(protobuf.statusCode()).isEqualTo(200);
    assertThat(protobuf.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    for (String raw : List.of("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
        "GARBAGE\r\n\r\n", "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", "")) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), metricsPort)) {
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        if (raw.startsWith("POST")) {
          assertThat(status).isEqualTo("HTTP/1.1 405");
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException ignored) {
        // the server may hang up on garbage; what matters is that it keeps serving
      }
    }
    assertThat(Scrape.get(metricsPort, "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(app.isAlive()).isTrue();
  }

  @Test
  void scrapesAreNotTracedAndNotCountedAsApplicationRequests() {
    receiver.reset();
    for (int i = 0; i < 5; i++) {
      Scrape.text(metricsPort);
    }
    app.get("/hello");
    receiver.awaitSpans(s -> "/hello".equals(s.attribute("url.path")), 1, WAIT);
    // Spans of earlier tests' requests may still trickle in after the reset: judge the scrapes
    // by what would identify them, the endpoint's port and paths. The /hello span was exported
    // after the scrapes, so a scrape span would have been exported by now too.
    assertThat(receiver.spans())
        .noneMatch(s -> Long.valueOf(metricsPort).equals(s.attribute("server.port")))
        .noneMatch(s -> "/metrics".equals(s.attribute("url.path")) || "/".equals(s.attribute("url.path")));
    Scrape scrape = Scrape.text(metricsPort);
    assertThat(scrape.labelValues("http_server_request_duration_seconds_count", "server_port")).isEmpty();
    assertThat(scrape.labelValues("http_server_request_duration_seconds_count", "http_route")).doesNotContain("/metrics");
  }

  @Test
  void aPortInUseCostsTheEndpointNotTheApplicationNorTheOtherSignals() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         TestApp other = TestApp.app("jdk-http-server-app")
             .exportTo(receiver)
             .property("otel.service.name", "port-taken-it")
             .property("otel.metrics.exporter", "prometheus")
             .property("otel.exporter.prometheus.host", "127.0.0.1")
             .property("otel.exporter.prometheus.port", String.valueOf(taken.getLocalPort()))
             .start()) {
      assertThat(other.get("/hello").statusCode()).isEqualTo(200);
      receiver.awaitSpans(s -> "port-taken-it".equals(s.resourceAttributes().get("service.name")), 1, WAIT);
      assertThat(other.stderrLines()).filteredOn(l -> l.contains("Prometheus"))
          .singleElement().asString()
          .startsWith("[sightline] WARN cannot serve Prometheus metrics on 127.0.0.1:" + taken.getLocalPort() + " (java.net.BindException");
    }
  }
}
