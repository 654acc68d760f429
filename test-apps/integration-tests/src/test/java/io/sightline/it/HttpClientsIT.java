package io.sightline.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sightline.testing.Otlp;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedMetric;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outgoing calls with each HTTP client, made by the http-clients-app inside its SERVER span, to a
 * real WireMock downstream on loopback.
 */
class HttpClientsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String[] CLIENTS = {"jdk", "jdk-async", "urlconnection", "apache5", "apache5-async", "apache4", "okhttp", "okhttp-async"};
  private static WireMockServer downstream;
  private static OtlpReceiver receiver;
  private static TestApp app;
  private static TestApp plainApp;

  @BeforeAll
  static void start() {
    downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    downstream.start();
    downstream.stubFor(get(urlPathEqualTo("/ok")).willReturn(aResponse().withStatus(200).withBody("ok")));
    downstream.stubFor(get(urlPathEqualTo("/then")).willReturn(aResponse().withStatus(200).withBody("then")));
    downstream.stubFor(get(urlPathEqualTo("/slow")).willReturn(aResponse().withStatus(200).withBody("slow").withFixedDelay(2000)));
    downstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/orders"))
        .willReturn(aResponse().withStatus(201).withBody("created")));
    downstream.stubFor(get(urlPathEqualTo("/redirect")).willReturn(aResponse().withStatus(302).withHeader("Location", "/ok")));
    downstream.stubFor(get(urlPathEqualTo("/unavailable")).willReturn(aResponse().withStatus(503).withBody("down")));
    receiver = OtlpReceiver.start();
    app = TestApp.app("http-clients-app").exportTo(receiver).property("otel.service.name", "clients-it").start();
    plainApp = TestApp.app("http-clients-app").withoutAgent().start();
    // Warm both JVMs up (class loading of each client's connect path can exceed a 200 ms timeout).
    for (String client : CLIENTS) {
      call(app, client, downstreamUrl("/ok"), "");
      call(plainApp, client, downstreamUrl("/ok"), "");
    }
    receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT, CLIENTS.length, WAIT);
  }

  @AfterAll
  static void stop() {
    for (TestApp a : new TestApp[] {app, plainApp}) {
      if (a != null) {
        a.close();
      }
    }
    if (receiver != null) {
      receiver.close();
    }
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

  private static String callPath(String client, String url, String extra) {
    return "/call?client=" + client + "&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8) + extra;
  }

  private static String call(TestApp target, String client, String url, String extra) {
    HttpResponse<String> response = target.get(callPath(client, url, extra));
    assertThat(response.statusCode()).as(target.output()).isEqualTo(200);
    return response.body();
  }

  private static String scopeOf(String client) {
    if (client.startsWith("jdk")) {
      return "io.sightline.java-http-client";
    }
    if (client.startsWith("okhttp")) {
      return "io.sightline.okhttp";
    }
    if (client.startsWith("apache")) {
      return "io.sightline.apache-httpclient";
    }
    return "io.sightline.http-url-connection";
  }

  /** The SERVER span of the one /call request, and the CLIENT spans of its trace by start time. */
  private static ReceivedSpan serverSpan() {
    return receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, WAIT).get(0);
  }

  private static List<ReceivedSpan> clientSpans(ReceivedSpan server, int expected) {
    receiver.awaitSpans(spans -> spans.stream()
        .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT && s.traceId().equals(server.traceId())).count() >= expected, WAIT);
    return receiver.spans().stream()
        .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT && s.traceId().equals(server.traceId()))
        .sorted(Comparator.comparingLong(s -> s.span().getStartTimeUnixNano()))
        .toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jdk-async", "urlconnection", "apache5", "apache5-async", "apache4", "okhttp", "okhttp-async"})
  void clientSpanIsChildOfServerSpanAndPropagated(String client) throws Exception {
    String body = call(app, client, downstreamUrl("/ok?api_key=s3cr3t&page=2"), "");
    assertThat(body).isEqualTo("status=200\n");

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 1);
    assertThat(clients).hasSize(1);
    ReceivedSpan span = clients.get(0);
    assertThat(span.name()).isEqualTo("GET");
    assertThat(span.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.parentSpanId()).isEqualTo(server.spanId());
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(span.scope().getName()).isEqualTo(scopeOf(client));
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "http.request.method", "GET",
        "url.full", downstreamUrl("/ok?api_key=REDACTED&page=2"),
        "server.address", "127.0.0.1",
        "server.port", (long) downstream.port(),
        "http.response.status_code", 200L));

    List<LoggedRequest> journal = downstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/ok")));
    assertThat(journal).hasSize(1);
    // Flags: sampled, plus the W3C level 2 "random trace id" bit that the SDK sets.
    assertThat(journal.get(0).getHeader("traceparent")).matches("00-" + span.traceId() + "-" + span.spanId() + "-0[13]");
  }

  @ParameterizedTest
  @CsvSource({
      "jdk, java.net.http.HttpTimeoutException",
      "jdk-async, java.net.http.HttpTimeoutException",
      "urlconnection, java.net.SocketTimeoutException",
      "apache5, java.net.SocketTimeoutException",
      "apache5-async, java.net.SocketTimeoutException",
      "apache4, java.net.SocketTimeoutException",
      "okhttp, java.net.SocketTimeoutException",
      "okhttp-async, java.net.SocketTimeoutException"})
  void timeoutIsAnErrorSpanAndTheAppSeesTheSameException(String client, String errorType) {
    String withAgent = call(app, client, downstreamUrl("/slow"), "&timeoutMs=200");
    String withoutAgent = call(plainApp, client, downstreamUrl("/slow"), "&timeoutMs=200");
    assertThat(withAgent).startsWith("exception=" + errorType + ": ");
    if (client.startsWith("okhttp")) {
      // OkHttp races its own read timeout (message "timeout") against the socket's ("Read timed
      // out"), with or without the agent: only the class is deterministic.
      assertThat(withoutAgent).startsWith("exception=" + errorType + ": ");
    } else {
      assertThat(withAgent).isEqualTo(withoutAgent);
    }

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 1);
    assertThat(clients).hasSize(1);
    ReceivedSpan span = clients.get(0);
    assertThat(span.parentSpanId()).isEqualTo(server.spanId());
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "http.request.method", "GET",
        "url.full", downstreamUrl("/slow"),
        "server.address", "127.0.0.1",
        "server.port", (long) downstream.port(),
        "error.type", errorType));
    assertThat(span.durationMillis()).isBetween(190.0, 1500.0);
    assertThat(span.span().getEventsList()).extracting(Span.Event::getName).containsExactly("exception");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jdk-async", "urlconnection", "apache5", "apache5-async", "apache4", "okhttp", "okhttp-async"})
  void applicationRetriesAreSiblingSpansWithResendCounts(String client) {
    String body = call(app, client, downstreamUrl("/unavailable"), "&retries=2");
    assertThat(body).isEqualTo("status=503\nstatus=503\nstatus=503\n");

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 3);
    assertThat(clients).hasSize(3);
    assertThat(clients).allSatisfy(span -> {
      assertThat(span.parentSpanId()).isEqualTo(server.spanId());
      assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(span.attribute("error.type")).isEqualTo("503");
      assertThat(span.attribute("http.response.status_code")).isEqualTo(503L);
    });
    assertThat(clients).extracting(s -> s.attribute("http.request.resend_count")).containsExactly(null, 1L, 2L);
    assertThat(downstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/unavailable"))))
        .extracting(r -> r.getHeader("traceparent").substring(0, 52))
        .containsExactlyElementsOf(clients.stream().map(s -> "00-" + s.traceId() + "-" + s.spanId()).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"apache5", "apache5-async", "apache4", "okhttp"})
  void redirectsFollowedByTheClientAreOneSpanPerAttempt(String client) {
    assertThat(call(app, client, downstreamUrl("/redirect"), "")).isEqualTo("status=200\n");

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 2);
    assertThat(clients).hasSize(2);
    assertThat(clients).allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(server.spanId()));
    assertThat(clients).extracting(s -> s.attribute("url.full")).containsExactly(downstreamUrl("/redirect"), downstreamUrl("/ok"));
    assertThat(clients).extracting(s -> s.attribute("http.response.status_code")).containsExactly(302L, 200L);
    assertThat(clients).extracting(s -> s.attribute("http.request.resend_count")).containsExactly(null, 1L);
    assertThat(clients).extracting(ReceivedSpan::statusCode).containsOnly(Status.StatusCode.STATUS_CODE_UNSET);
    List<LoggedRequest> journal = downstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/ok")));
    assertThat(journal).hasSize(1);
    assertThat(journal.get(0).getHeader("traceparent")).startsWith("00-" + server.traceId() + "-" + clients.get(1).spanId() + "-");
  }

  /**
   * The JDK request copy, the connect-then-stream path and the implicit POST (a GET with a body,
   * which the JDK sends as a POST) keep the method, body and headers.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection", "urlconnection-implicit"})
  void postKeepsBodyAndHeaders(String client) {
    assertThat(call(app, client, downstreamUrl("/orders"), "&post=item%3D42")).isEqualTo("status=201\n");

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 1);
    assertThat(clients).hasSize(1);
    ReceivedSpan span = clients.get(0);
    assertThat(span.name()).isEqualTo("POST");
    assertThat(span.attributes()).containsEntry("http.request.method", "POST").containsEntry("http.response.status_code", 201L);
    List<LoggedRequest> journal = downstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/orders")));
    assertThat(journal).hasSize(1);
    LoggedRequest request = journal.get(0);
    assertThat(request.getBodyAsString()).isEqualTo("item=42");
    assertThat(request.getHeader("X-Custom")).isEqualTo("kept");
    assertThat(request.getHeader("Content-Type")).isEqualTo("text/plain");
    assertThat(request.getHeader("traceparent")).startsWith("00-" + span.traceId() + "-" + span.spanId() + "-");
  }

  @Test
  void urlConnectionFollowsRedirectsInsideOneSpan() {
    assertThat(call(app, "urlconnection", downstreamUrl("/redirect"), "")).isEqualTo("status=200\n");

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 1);
    assertThat(clients).hasSize(1);
    assertThat(clients.get(0).attributes()).containsEntry("url.full", downstreamUrl("/redirect"))
        .containsEntry("http.response.status_code", 200L)
        .doesNotContainKey("http.request.resend_count");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jdk-async", "urlconnection", "apache5", "apache5-async", "apache4", "okhttp", "okhttp-async"})
  void connectionRefusedIsAnErrorSpanWithTheExceptionTheAppGets(String client) throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/nothing";
    String body = call(app, client, url, "&timeoutMs=2000");
    assertThat(body).startsWith("exception=").isEqualTo(call(plainApp, client, url, "&timeoutMs=2000"));
    String appException = body.substring("exception=".length(), body.indexOf(':'));

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 1);
    assertThat(clients).hasSize(1);
    ReceivedSpan span = clients.get(0);
    assertThat(span.parentSpanId()).isEqualTo(server.spanId());
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "http.request.method", "GET",
        "url.full", url,
        "server.address", "127.0.0.1",
        "server.port", (long) closedPort,
        "error.type", appException));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk-async", "apache5-async", "okhttp-async"})
  void asyncCallbacksRunInTheCallersContext(String client) {
    call(app, client, downstreamUrl("/ok"), "&then=" + URLEncoder.encode(downstreamUrl("/then"), StandardCharsets.UTF_8));

    ReceivedSpan server = serverSpan();
    List<ReceivedSpan> clients = clientSpans(server, 2);
    assertThat(clients).hasSize(2);
    assertThat(clients).extracting(s -> s.attribute("url.full"))
        .containsExactly(downstreamUrl("/ok"), downstreamUrl("/then"));
    assertThat(clients).allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(server.spanId()));
  }

  @Test
  void histogramCountsEveryCallWithoutUrlAndExportsAreNotTraced() {
    try (OtlpReceiver own = OtlpReceiver.start();
        TestApp fresh = TestApp.app("http-clients-app").exportTo(own).start()) {
      for (int i = 0; i < 3; i++) {
        call(fresh, "okhttp", downstreamUrl("/ok?token=t" + i), "");
      }
      call(fresh, "jdk", downstreamUrl("/ok"), "");
      call(fresh, "jdk", downstreamUrl("/unavailable"), "");

      try {
        own.awaitMetrics(list -> totalCount(list) == 5, WAIT);
      } catch (AssertionError e) {
        throw new AssertionError("points: " + latestPoints(own.metrics()), e);
      }
      List<ReceivedMetric> metrics = own.metrics();
      Map<String, HistogramDataPoint> points = latestPoints(metrics);
      assertThat(points.values()).extracting(p -> Otlp.attributes(p.getAttributesList())).containsExactlyInAnyOrder(
          Map.of("http.request.method", "GET", "server.address", "127.0.0.1", "server.port", (long) downstream.port(),
              "http.response.status_code", 200L),
          Map.of("http.request.method", "GET", "server.address", "127.0.0.1", "server.port", (long) downstream.port(),
              "http.response.status_code", 200L),
          Map.of("http.request.method", "GET", "server.address", "127.0.0.1", "server.port", (long) downstream.port(),
              "http.response.status_code", 503L, "error.type", "503"));
      ReceivedMetric duration = metrics.stream().filter(m -> m.name().equals("http.client.request.duration")).findFirst().orElseThrow();
      assertThat(duration.metric().getUnit()).isEqualTo("s");
      assertThat(metrics).allSatisfy(m -> assertThat(m.metric().toString()).doesNotContain("/ok").doesNotContain("/unavailable"));

      // The exporter's own calls (JDK HttpClient to the receiver) are suppressed: no span, no point.
      own.awaitSpans(spans -> spans.stream().filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT).count() == 5, WAIT);
      assertThat(own.requestCount()).isGreaterThan(1);
      assertThat(own.spans()).filteredOn(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT)
          .hasSize(5)
          .allSatisfy(s -> assertThat(s.attribute("server.port")).isEqualTo((long) downstream.port()));
      assertThat(points.values()).noneSatisfy(p ->
          assertThat(Otlp.attributes(p.getAttributesList()).get("server.port")).isEqualTo((long) own.port()));
    }
  }

  /** Newest (cumulative) point per scope and attribute set. */
  private static Map<String, HistogramDataPoint> latestPoints(List<ReceivedMetric> metrics) {
    Map<String, HistogramDataPoint> latest = new HashMap<>();
    for (ReceivedMetric metric : metrics) {
      if (!metric.name().equals("http.client.request.duration")) {
        continue;
      }
      for (HistogramDataPoint point : metric.histogramPoints()) {
        latest.put(metric.scope().getName() + Otlp.attributes(point.getAttributesList()), point);
      }
    }
    return latest;
  }

  private static long totalCount(List<ReceivedMetric> metrics) {
    return latestPoints(metrics).values().stream().mapToLong(HistogramDataPoint::getCount).sum();
  }
}
