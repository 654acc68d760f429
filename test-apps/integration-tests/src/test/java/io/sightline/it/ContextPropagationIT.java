package io.sightline.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.sightline.testing.Otlp;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedMetric;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code executors} and {@code opentelemetry-instrumentation-annotations} instrumentations on
 * the context app: spans made on other threads, including real HTTP client calls to a WireMock
 * downstream on loopback, land in the request's trace, with exact parents, and nothing leaks onto
 * work submitted outside requests.
 */
class ContextPropagationIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static WireMockServer downstream;
  private static OtlpReceiver receiver;
  private static TestApp app;

  @BeforeAll
  static void start() {
    downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(16));
    downstream.start();
    downstream.stubFor(get(urlPathEqualTo("/inventory")).willReturn(aResponse().withStatus(200).withBody("inventory")));
    downstream.stubFor(get(urlPathEqualTo("/payment")).willReturn(aResponse().withStatus(200).withBody("payment")));
    downstream.stubFor(get(urlPathEqualTo("/stock")).willReturn(aResponse().withStatus(200).withBody("ok")));
    receiver = OtlpReceiver.start();
    app = TestApp.app("context-app")
        .exportTo(receiver)
        .property("otel.service.name", "context-it")
        .property("otel.metrics.exporter", "none")
        // Debug lists each class transformed, with those of premain before its summary line (checked below).
        .property("otel.javaagent.debug", "true")
        .property("downstream.url", downstreamUrl(""))
        .start();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    receiver.close();
    if (downstream != null) {
      downstream.stop();
    }
  }

  @BeforeEach
  void reset() {
    receiver.reset();
    downstream.resetRequests();
  }

  private static String downstreamUrl(String pathAndQuery) {
    return "http://127.0.0.1:" + downstream.port() + pathAndQuery;
  }

  private static Map<String, Object> clientAttributes(String pathAndQuery) {
    return Map.of(
        "http.request.method", "GET",
        "url.full", downstreamUrl(pathAndQuery),
        "server.address", "127.0.0.1",
        "server.port", (long) downstream.port(),
        "http.response.status_code", 200L);
  }

  /** The one request the downstream journal holds for the path and query. */
  private static LoggedRequest received(String path, String query) {
    List<LoggedRequest> matching = downstream.findAll(getRequestedFor(urlPathEqualTo(path))).stream()
        .filter(r -> query.equals(URI.create(r.getUrl()).getRawQuery()))
        .toList();
    assertThat(matching).as(path + "?" + query).hasSize(1);
    return matching.get(0);
  }

  /** Flags: sampled, plus the W3C level 2 "random trace id" bit that the SDK sets. */
  private static void assertPropagated(LoggedRequest request, ReceivedSpan client) {
    assertThat(request.getHeader("traceparent")).as(request.getUrl())
        .matches("00-" + client.traceId() + "-" + client.spanId() + "-0[13]");
  }

  private static ReceivedSpan server(String path) {
    return receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER && path.equals(s.attribute("url.path")), 1, WAIT).get(0);
  }

  private static List<ReceivedSpan> inTrace(String traceId, int count) {
    return receiver.awaitSpans(s -> s.traceId().equals(traceId), count, WAIT);
  }

  @Test
  void orderTraceIsServerThenProcessOrderThenTwoClientSpans() {
    assertThat(app.get("/order?id=A-1001").body()).isEqualTo("order A-1001");

    ReceivedSpan server = server("/order");
    List<ReceivedSpan> trace = inTrace(server.traceId(), 4);
    assertThat(trace).hasSize(4);

    ReceivedSpan order = trace.stream().filter(s -> s.name().equals("process_order")).findFirst().orElseThrow();
    assertThat(order.kind()).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
    assertThat(order.parentSpanId()).isEqualTo(server.spanId());
    assertThat(order.scope().getName()).isEqualTo("io.sightline.opentelemetry-instrumentation-annotations");
    assertThat(order.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "order.id", "A-1001",
        "code.function.name", "com.example.orders.Work.processOrder"));
    // The ExecutorService task calls /inventory with the JDK HttpClient, the supplyAsync stage
    // /payment with HttpURLConnection.
    Map<String, String> scopeByPath = Map.of(
        "/inventory", "io.sightline.java-http-client",
        "/payment", "io.sightline.http-url-connection");
    List<ReceivedSpan> clients = trace.stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT).toList();
    assertThat(clients).hasSize(2);
    for (Map.Entry<String, String> expected : scopeByPath.entrySet()) {
      String path = expected.getKey();
      List<ReceivedSpan> matching = clients.stream()
          .filter(s -> downstreamUrl(path + "?order=A-1001").equals(s.attribute("url.full"))).toList();
      assertThat(matching).as(path + " in " + clients).hasSize(1);
      ReceivedSpan client = matching.get(0);
      assertThat(client.name()).isEqualTo("GET");
      assertThat(client.parentSpanId()).as(path).isEqualTo(order.spanId());
      assertThat(client.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
      assertThat(client.scope().getName()).isEqualTo(expected.getValue());
      assertThat(client.attributes()).containsExactlyInAnyOrderEntriesOf(clientAttributes(path + "?order=A-1001"));
      assertPropagated(received(path, "order=A-1001"), client);
    }
  }

  /**
   * The JDK's task and executor classes get their advice before premain returns, whatever the
   * application loads first. {@code ForkJoinTask}, loaded later, was once first loaded inside
   * another class's transformation, which Byte Buddy leaves alone: every fork-join hand-over then
   * lost its context, in about half of this app's starts.
   */
  @Test
  void theJdkTaskClassesAreTransformedBeforePremainReturns() {
    List<String> lines = app.stderrLines();
    int started = -1;
    for (int i = 0; i < lines.size() && started < 0; i++) {
      if (lines.get(i).contains("[sightline] Sightline ") && lines.get(i).contains(" started in ")) {
        started = i;
      }
    }
    assertThat(started).as(app.output()).isPositive();
    List<String> premain = lines.subList(0, started);
    for (String type : List.of("FutureTask", "ForkJoinTask", "CompletableFuture", "ThreadPoolExecutor")) {
      assertThat(premain).as(type).anyMatch(line -> line.contains("transformed java.util.concurrent." + type + " (executors)"));
    }
  }

  @Test
  void everyKindOfHandOverKeepsTheRequestAsParent() {
    String body = app.get("/variety").body();
    ReceivedSpan server = server("/variety");
    List<String> vias = new ArrayList<>(List.of("invokeAll-1", "invokeAll-2", "invokeAny", "schedule", "fork", "fork",
        "fork", "fork", "thenApplyAsync", "completeAsync", "stage"));
    if (body.endsWith("virtual threads true")) {
      vias.addAll(List.of("virtual-submit", "virtual-execute"));
    }
    // 1 server, the downstream spans, 1 task span on the common pool.
    List<ReceivedSpan> trace = inTrace(server.traceId(), vias.size() + 2);
    List<ReceivedSpan> children = trace.stream().filter(s -> s != server).toList();
    assertThat(children).allSatisfy(s -> assertThat(s.parentSpanId()).as(s.toString()).isEqualTo(server.spanId()));
    assertThat(children.stream().filter(s -> s.name().equals("downstream")).map(s -> (String) s.attribute("via")))
        .containsExactlyInAnyOrderElementsOf(vias);
    assertThat(children.stream().filter(s -> s.name().equals("Work.task")).map(s -> s.attribute("via")))
        .containsExactly("commonPool");
  }

  /**
   * Each request hands a JDK HttpClient call of {@code /stock?seq=N} to the pool of 4; the same
   * four threads also run calls of {@code /stock?outside=N} fed by a thread outside any request.
   */
  @Test
  void thousandRequestsThroughPoolOfFourKeepTheirOwnTraceAndOutsideWorkHasNoParent() throws Exception {
    int requests = 1000;
    long started = System.nanoTime();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        int seq = i;
        sent.add(clients.submit(() -> assertThat(app.get("/pool?seq=" + seq).statusCode()).isEqualTo(200)));
      }
      for (Future<?> future : sent) {
        future.get();
      }
    } finally {
      clients.shutdown();
    }
    String seqPrefix = downstreamUrl("/stock?seq=");
    List<ReceivedSpan> calls = receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT
        && ((String) s.attribute("url.full")).startsWith(seqPrefix), requests, WAIT);
    List<ReceivedSpan> servers = receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER && "/pool".equals(s.attribute("url.path")), requests, WAIT);
    System.out.printf("1000 pooled client calls exported in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    Map<String, ReceivedSpan> serverBySeq = servers.stream().collect(Collectors.toMap(
        s -> ((String) s.attribute("url.query")).substring("seq=".length()), Function.identity()));
    assertThat(calls).hasSize(requests);
    assertThat(serverBySeq).hasSize(requests);
    Map<String, LoggedRequest> journal = new HashMap<>();
    for (LoggedRequest request : downstream.findAll(getRequestedFor(urlPathEqualTo("/stock")))) {
      String query = URI.create(request.getUrl()).getRawQuery();
      if (query.startsWith("seq=")) {
        assertThat(journal.put(query.substring("seq=".length()), request)).as(query).isNull();
      }
    }
    assertThat(journal).hasSize(requests);
    for (ReceivedSpan call : calls) {
      String seq = ((String) call.attribute("url.full")).substring(seqPrefix.length());
      ReceivedSpan server = serverBySeq.get(seq);
      assertThat(call.name()).isEqualTo("GET");
      assertThat(call.traceId()).as(call.toString()).isEqualTo(server.traceId());
      assertThat(call.parentSpanId()).as(call.toString()).isEqualTo(server.spanId());
      assertThat(call.attributes()).containsExactlyInAnyOrderEntriesOf(clientAttributes("/stock?seq=" + seq));
      assertPropagated(journal.get(seq), call);
    }
    // Work fed to the same four threads by a thread outside any request, interleaved with the
    // above: a root CLIENT span each (the client instrumentation traces calls without a parent,
    // as the OpenTelemetry Java agent does), so one trace per call.
    String outsidePrefix = downstreamUrl("/stock?outside=");
    List<ReceivedSpan> outside = receiver.spans().stream()
        .filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT && ((String) s.attribute("url.full")).startsWith(outsidePrefix))
        .toList();
    assertThat(outside).hasSizeGreaterThan(10);
    assertThat(outside).allSatisfy(s -> assertThat(s.parentSpanId()).as(s.toString()).isEmpty());
    assertThat(outside.stream().map(ReceivedSpan::traceId).distinct()).hasSize(outside.size());
    assertThat(outside.stream().map(ReceivedSpan::traceId)).doesNotContainAnyElementsOf(
        servers.stream().map(ReceivedSpan::traceId).toList());
  }

  /**
   * The agent's own OTLP exports (the JDK HttpClient, on the exporter's executor threads) never
   * produce CLIENT spans or http.client.request.duration points, whether or not the executors
   * instrumentation carries the export's suppressed context to those threads.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void agentExportsAreNeverTraced(boolean executors) {
    try (OtlpReceiver own = OtlpReceiver.start();
        TestApp fresh = TestApp.app("context-app")
            .exportTo(own)
            .property("otel.service.name", "context-export-it")
            .property("otel.instrumentation.executors.enabled", String.valueOf(executors))
            .property("downstream.url", downstreamUrl(""))
            .start()) {
      for (int i = 0; i < 3; i++) {
        assertThat(fresh.get("/order?id=E-" + i).body()).isEqualTo("order E-" + i);
      }
      // Many span and metric exports (every 100 ms and 500 ms) after the traced calls.
      int before = own.requestCount();
      Wait.until(own::requestCount, n -> n >= before + 20, WAIT, "20 more exports");
      own.awaitMetrics(list -> latestClientPoints(list).values().stream()
          .anyMatch(p -> Long.valueOf(downstream.port()).equals(Otlp.attributes(p.getAttributesList()).get("server.port"))), WAIT);

      List<ReceivedSpan> clientSpans = own.spans().stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT).toList();
      assertThat(clientSpans).hasSizeGreaterThanOrEqualTo(6)
          .allSatisfy(s -> assertThat(s.attribute("server.port")).as(s.toString()).isEqualTo((long) downstream.port()));
      Map<String, HistogramDataPoint> points = latestClientPoints(own.metrics());
      assertThat(points).isNotEmpty();
      assertThat(points.values()).allSatisfy(p ->
          assertThat(Otlp.attributes(p.getAttributesList()).get("server.port")).isEqualTo((long) downstream.port()));

      // The setting took effect: the order's client calls are in its trace only with executors on.
      ReceivedSpan order = own.spans().stream()
          .filter(s -> s.name().equals("process_order") && "E-0".equals(s.attribute("order.id"))).findFirst().orElseThrow();
      ReceivedSpan inventory = clientSpans.stream()
          .filter(s -> downstreamUrl("/inventory?order=E-0").equals(s.attribute("url.full"))).findFirst().orElseThrow();
      if (executors) {
        assertThat(inventory.parentSpanId()).isEqualTo(order.spanId());
      } else {
        assertThat(inventory.parentSpanId()).isEmpty();
        assertThat(inventory.traceId()).isNotEqualTo(order.traceId());
      }
    }
  }

  /** Newest (cumulative) http.client.request.duration point per scope and attribute set. */
  private static Map<String, HistogramDataPoint> latestClientPoints(List<ReceivedMetric> metrics) {
    Map<String, HistogramDataPoint> latest = new HashMap<>();
    for (ReceivedMetric metric : metrics) {
      if (metric.name().equals("http.client.request.duration")) {
        for (HistogramDataPoint point : metric.histogramPoints()) {
          latest.put(metric.scope().getName() + Otlp.attributes(point.getAttributesList()), point);
        }
      }
    }
    return latest;
  }

  @Test
  void exceptionMakesAnErrorSpanWithEvent() {
    app.get("/fail");
    ReceivedSpan server = server("/fail");
    ReceivedSpan span = inTrace(server.traceId(), 2).stream().filter(s -> s.name().equals("Work.fails")).findFirst().orElseThrow();
    assertThat(span.parentSpanId()).isEqualTo(server.spanId());
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.span().getEventsList()).hasSize(1);
    assertThat(span.span().getEvents(0).getName()).isEqualTo("exception");
    assertThat(io.sightline.testing.Otlp.attributes(span.span().getEvents(0).getAttributesList()))
        .contains(entry("exception.type", "java.lang.IllegalStateException"), entry("exception.message", "failed on purpose"));
  }

  @Test
  void completableFutureResultEndsTheSpanOnCompletion() {
    app.get("/async");
    ReceivedSpan server = server("/async");
    ReceivedSpan span = inTrace(server.traceId(), 2).stream().filter(s -> s.name().equals("async_work")).findFirst().orElseThrow();
    assertThat(span.parentSpanId()).isEqualTo(server.spanId());
    assertThat(span.attributes()).containsEntry("delay.ms", 50L);
    assertThat(span.durationMillis()).isGreaterThanOrEqualTo(50.0);
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
  }
}
