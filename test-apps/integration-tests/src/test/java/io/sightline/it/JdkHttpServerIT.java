package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sightline.testing.Otlp;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedMetric;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first vertical slice: JDK HttpServer app, agent attached, spans and metrics over OTLP/HTTP. */
class JdkHttpServerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static OtlpReceiver receiver;
  private static TestApp app;

  @BeforeAll
  static void start() {
    receiver = OtlpReceiver.start();
    app = TestApp.app("jdk-http-server-app")
        .exportTo(receiver)
        .property("otel.service.name", "orders-it")
        .start();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    receiver.close();
  }

  @BeforeEach
  void reset() {
    receiver.reset();
  }

  private static List<ReceivedSpan> serverSpans(String path) {
    return receiver.spans().stream()
        .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER && path.equals(s.attribute("url.path")))
        .toList();
  }

  @Test
  void oneServerSpanWithExactAttributes() {
    HttpResponse<String> response = app.get("/users/98765?token=s3cr3t&page=2", "User-Agent", "sightline-it/1.0");
    assertThat(response.statusCode()).isEqualTo(200);

    receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, WAIT);
    List<ReceivedSpan> spans = serverSpans("/users/98765");
    assertThat(spans).hasSize(1);
    ReceivedSpan span = spans.get(0);
    assertThat(span.name()).isEqualTo("GET /users/{id}");
    assertThat(span.parentSpanId()).isEmpty();
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(span.scope().getName()).isEqualTo("io.sightline.java-http-server");
    assertThat(span.resourceAttributes())
        .contains(entry("service.name", "orders-it"), entry("telemetry.distro.name", "sightline"));
    String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(requestId).matches("[0-9a-f]{32}");
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        entry("http.request.method", "GET"),
        entry("url.scheme", "http"),
        entry("url.path", "/users/98765"),
        entry("url.query", "token=REDACTED&page=2"),
        entry("http.route", "/users/{id}"),
        entry("http.response.status_code", 200L),
        entry("server.address", "127.0.0.1"),
        entry("server.port", (long) app.port()),
        entry("client.address", "127.0.0.1"),
        entry("user_agent.original", "sightline-it/1.0"),
        entry("network.protocol.version", "1.1"),
        entry("request.id", requestId)));
  }

  @Test
  void agentIsQuietApartFromItsStartLine() {
    app.get("/hello");
    receiver.awaitSpans(s -> true, 1, WAIT);
    List<String> lines = app.stderrLines().stream()
        // The JVM's own note that class-data sharing is limited once the bootstrap path is appended.
        .filter(l -> !l.contains("Sharing is only supported for boot loader classes"))
        .toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).matches("\\[sightline\\] Sightline \\S+ started in \\d+ ms \\(premain\\): "
        + "service=orders-it, traces=otlp, metrics=otlp, logs=otlp, instrumentations=\\[.*java-http-server.*\\]");
  }

  @Test
  void incomingTraceparentIsTheParent() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    app.get("/hello", "traceparent", "00-" + traceId + "-" + parentId + "-01");

    ReceivedSpan span = receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, WAIT).get(0);
    assertThat(span.name()).isEqualTo("GET /hello");
    assertThat(span.traceId()).isEqualTo(traceId);
    assertThat(span.parentSpanId()).isEqualTo(parentId);
  }

  @Test
  void incomingRequestIdIsKeptAndUnsafeOneReplaced() {
    HttpResponse<String> kept = app.get("/hello", "X-Request-ID", "req-abc.123");
    assertThat(kept.headers().firstValue("X-Request-ID")).hasValue("req-abc.123");
    HttpResponse<String> replaced = app.get("/hello?x=1", "X-Request-ID", "bad id <script>");
    String generated = replaced.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(generated).matches("[0-9a-f]{32}");

    List<ReceivedSpan> spans = receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 2, WAIT);
    assertThat(spans).extracting(s -> s.attribute("request.id")).containsExactlyInAnyOrder("req-abc.123", generated);
  }

  @Test
  void exceptionInHandlerMakesAnErrorSpanWithEvent() {
    // The JDK server closes the connection when a handler throws: no response to check.
    app.tryGet("/fail");

    ReceivedSpan span = receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, WAIT).get(0);
    assertThat(span.name()).isEqualTo("GET /fail");
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.attribute("error.type")).isEqualTo("java.lang.IllegalStateException");
    assertThat(span.span().getEventsList()).hasSize(1);
    Span.Event event = span.span().getEvents(0);
    assertThat(event.getName()).isEqualTo("exception");
    assertThat(Otlp.attributes(event.getAttributesList()))
        .containsEntry("exception.type", "java.lang.IllegalStateException")
        .containsEntry("exception.message", "handler failed on purpose");
  }

  @Test
  void serverErrorStatusIsAnErrorButClientErrorIsNot() {
    assertThat(app.get("/status/503").statusCode()).isEqualTo(503);
    assertThat(app.get("/status/404").statusCode()).isEqualTo(404);

    List<ReceivedSpan> spans = receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 2, WAIT);
    ReceivedSpan s503 = serverSpans("/status/503").get(0);
    ReceivedSpan s404 = serverSpans("/status/404").get(0);
    assertThat(spans).hasSize(2);
    assertThat(s503.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(s503.attribute("error.type")).isEqualTo("503");
    assertThat(s503.attribute("http.response.status_code")).isEqualTo(503L);
    assertThat(s404.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(s404.attribute("error.type")).isNull();
  }

  @Test
  void durationHistogramCountsEveryRequestUnderTheRouteTemplate() {
    // A fresh app: the histogram is cumulative, so other tests' requests must not count.
    try (OtlpReceiver own = OtlpReceiver.start();
        TestApp fresh = TestApp.app("jdk-http-server-app").exportTo(own).start()) {
      for (int id = 1001; id <= 1005; id++) {
        assertThat(fresh.get("/users/" + id).statusCode()).isEqualTo(200);
      }
      assertHistogram(own);
    }
  }

  private static void assertHistogram(OtlpReceiver own) {
    List<ReceivedMetric> metrics = own.awaitMetrics(
        list -> usersPoint(list) != null && usersPoint(list).getCount() == 5, WAIT);
    HistogramDataPoint point = usersPoint(metrics);
    assertThat(Otlp.attributes(point.getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "http.request.method", "GET",
        "http.route", "/users/{id}",
        "http.response.status_code", 200L,
        "url.scheme", "http"));
    assertThat(point.getExplicitBoundsList()).containsExactly(
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    ReceivedMetric duration = metrics.stream().filter(m -> m.name().equals("http.server.request.duration")).findFirst().orElseThrow();
    assertThat(duration.metric().getUnit()).isEqualTo("s");
    // No raw id in any text attribute of any point of any metric. Numbers are left out: the SDK's own
    // exporter metrics carry the receiver's random port, which may contain "1003".
    assertThat(metrics).allSatisfy(m -> {
      List<Map<String, Object>> attributeSets = m.metric().hasHistogram()
          ? m.histogramPoints().stream().map(p -> Otlp.attributes(p.getAttributesList())).toList()
          : m.numberPoints().stream().map(p -> Otlp.attributes(p.getAttributesList())).toList();
      assertThat(attributeSets).allSatisfy(attributes -> assertThat(attributes.values())
          .filteredOn(String.class::isInstance)
          .allSatisfy(text -> assertThat((String) text).doesNotContain("1003")));
    });
  }

  /** The newest point for GET /users/{id}: cumulative, so its count is the total so far. */
  private static HistogramDataPoint usersPoint(List<ReceivedMetric> metrics) {
    HistogramDataPoint last = null;
    for (ReceivedMetric metric : metrics) {
      if (!metric.name().equals("http.server.request.duration")) {
        continue;
      }
      for (HistogramDataPoint point : metric.histogramPoints()) {
        if ("/users/{id}".equals(Otlp.attributes(point.getAttributesList()).get("http.route"))) {
          last = point;
        }
      }
    }
    return last;
  }
}
