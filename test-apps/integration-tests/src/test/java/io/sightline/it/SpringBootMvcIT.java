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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spring Boot 4 MVC on its embedded Tomcat: routes are Spring's templates, an exception's error
 * dispatch to {@code /error} adds no span, an async controller's span covers its re-dispatch.
 */
class SpringBootMvcIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static OtlpReceiver receiver;
  private static TestApp app;

  @BeforeAll
  static void start() {
    receiver = OtlpReceiver.start();
    app = TestApp.app("spring-boot-app").exportTo(receiver).property("otel.service.name", "boot-it").start();
  }

  @AfterAll
  static void stop() {
    try {
      if (app != null) {
        assertThat(app.stderrLines()).noneMatch(l -> l.contains("failed and is now disabled") || l.contains("could not be applied"));
        app.close();
      }
    } finally {
      receiver.close();
    }
  }

  @BeforeEach
  void reset() {
    receiver.reset();
  }

  private static String newRequestId() {
    return "boot-" + SEQUENCE.incrementAndGet();
  }

  /** The one SERVER span of a request id, checked once a later request's span has arrived. */
  private static ReceivedSpan onlyServerSpanOf(String requestId) {
    receiver.awaitSpans(s -> isServer(s) && requestId.equals(s.attribute("request.id")), 1, WAIT);
    String sentinel = newRequestId();
    app.get("/hello", "X-Request-ID", sentinel);
    receiver.awaitSpans(s -> isServer(s) && sentinel.equals(s.attribute("request.id")), 1, WAIT);
    List<ReceivedSpan> spans = receiver.spans().stream().filter(s -> isServer(s) && requestId.equals(s.attribute("request.id"))).toList();
    assertThat(spans).as("SERVER spans of " + requestId + " among " + receiver.spans()).hasSize(1);
    return spans.get(0);
  }

  private static boolean isServer(ReceivedSpan span) {
    return span.kind() == Span.SpanKind.SPAN_KIND_SERVER;
  }

  @Test
  void routeIsTheSpringTemplate() {
    String id = newRequestId();
    HttpResponse<String> response = app.get("/users/98765?page=2", "User-Agent", "boot-it/1.0", "X-Request-ID", id);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue(id);

    ReceivedSpan span = onlyServerSpanOf(id);
    assertThat(span.name()).isEqualTo("GET /users/{id}");
    assertThat(span.scope().getName()).isEqualTo("io.sightline.servlet");
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        entry("http.request.method", "GET"),
        entry("url.scheme", "http"),
        entry("url.path", "/users/98765"),
        entry("url.query", "page=2"),
        entry("http.route", "/users/{id}"),
        entry("http.response.status_code", 200L),
        entry("server.address", "127.0.0.1"),
        entry("server.port", (long) app.port()),
        entry("client.address", "127.0.0.1"),
        entry("user_agent.original", "boot-it/1.0"),
        entry("network.protocol.version", "1.1"),
        entry("request.id", id)));
  }

  @Test
  void controllerExceptionIsOneErrorSpanWithTheApplicationsException() {
    String id = newRequestId();
    assertThat(app.get("/fail", "X-Request-ID", id).statusCode()).isEqualTo(500);

    ReceivedSpan span = onlyServerSpanOf(id);
    assertThat(span.name()).isEqualTo("GET /fail");
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    // Spring wraps it in a ServletException; the cause is what counts.
    assertThat(span.attribute("error.type")).isEqualTo("java.lang.IllegalStateException");
    assertThat(span.attribute("http.response.status_code")).isEqualTo(500L);
    assertThat(Otlp.attributes(span.span().getEvents(0).getAttributesList()))
        .containsEntry("exception.type", "java.lang.IllegalStateException");
  }

  @Test
  void clientErrorIsNotAnError() {
    String id = newRequestId();
    assertThat(app.get("/status/404", "X-Request-ID", id).statusCode()).isEqualTo(404);

    ReceivedSpan span = onlyServerSpanOf(id);
    assertThat(span.name()).isEqualTo("GET /status/{code}");
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(span.attribute("error.type")).isNull();
  }

  /** SimpleAsyncTaskExecutor starts a thread per task: the task's client call stays in the request's trace. */
  @Test
  void aTaskOnSpringsThreadPerTaskExecutorKeepsTheRequestsTrace() {
    String id = newRequestId();
    HttpResponse<String> response = app.get("/thread-per-task", "X-Request-ID", id);
    assertThat(response.body()).isEqualTo("task got hello");

    ReceivedSpan server = onlyServerSpanOf(id);
    assertThat(server.name()).isEqualTo("GET /thread-per-task");
    List<ReceivedSpan> clients = receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT
        && String.valueOf(s.attribute("url.full")).endsWith("/hello"), 1, WAIT);
    assertThat(clients).hasSize(1);
    ReceivedSpan client = clients.get(0);
    assertThat(client.traceId()).isEqualTo(server.traceId());
    assertThat(client.parentSpanId()).isEqualTo(server.spanId());
    // and the /hello request it made is a child of that call
    assertThat(receiver.awaitSpans(s -> isServer(s) && client.spanId().equals(s.parentSpanId()), 1, WAIT))
        .extracting(ReceivedSpan::name).containsExactly("GET /hello");
  }

  @Test
  void asyncControllerSpanCoversTheRedispatch() {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String parentId = "b7ad6b7169203331";
    String id = newRequestId();
    HttpResponse<String> response = app.get("/async?ms=300", "X-Request-ID", id, "traceparent", "00-" + traceId + "-" + parentId + "-01");
    assertThat(response.body()).isEqualTo("async done after 300 ms");

    ReceivedSpan span = onlyServerSpanOf(id);
    assertThat(span.name()).isEqualTo("GET /async");
    assertThat(span.traceId()).isEqualTo(traceId);
    assertThat(span.parentSpanId()).isEqualTo(parentId);
    assertThat(span.attribute("http.response.status_code")).isEqualTo(200L);
    assertThat(span.durationMillis()).isGreaterThanOrEqualTo(300.0);
  }

  @Test
  void asyncControllerFailureKeepsItsRouteAndItsException() {
    String id = newRequestId();
    assertThat(app.get("/async-fail/42", "X-Request-ID", id).statusCode()).isEqualTo(500);

    // The span ends after Spring's error dispatch to /error, which must not rename it.
    ReceivedSpan span = onlyServerSpanOf(id);
    assertThat(span.name()).isEqualTo("GET /async-fail/{id}");
    assertThat(span.attribute("http.route")).isEqualTo("/async-fail/{id}");
    assertThat(span.attribute("url.path")).isEqualTo("/async-fail/42");
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.attribute("error.type")).isEqualTo("java.lang.IllegalStateException");
    assertThat(span.attribute("http.response.status_code")).isEqualTo(500L);
  }

  /**
   * With the dispatcher servlet under {@code /api}, a request no servlet mapping matches is answered
   * by the container's error dispatch alone: its span names the path the client asked for.
   */
  @Test
  void aRequestNoServletMapsIsReportedUnderItsOwnPath() {
    try (OtlpReceiver own = OtlpReceiver.start();
         TestApp underApi = TestApp.app("spring-boot-app").exportTo(own)
             .property("otel.service.name", "boot-api-it")
             .property("spring.mvc.servlet.path", "/api")
             .start()) {
      String id = newRequestId();
      assertThat(underApi.get("/other/55", "X-Request-ID", id).statusCode()).isEqualTo(404);
      assertThat(underApi.get("/api/users/7").statusCode()).isEqualTo(200);

      List<ReceivedSpan> spans = own.awaitSpans(s -> isServer(s), 2, WAIT);
      ReceivedSpan unmapped = spans.stream().filter(s -> id.equals(s.attribute("request.id"))).findFirst().orElseThrow();
      assertThat(unmapped.attribute("url.path")).isEqualTo("/other/55");
      assertThat(unmapped.attribute("http.route")).isEqualTo("/other/{id}");
      assertThat(unmapped.name()).isEqualTo("GET /other/{id}");
      assertThat(unmapped.attribute("http.response.status_code")).isEqualTo(404L);
      assertThat(spans).extracting(s -> s.attribute("http.route")).contains("/api/users/{id}");
    }
  }

  @Test
  void histogramCountsRequestsUnderTheTemplateOnly() {
    for (int i = 0; i < 5; i++) {
      assertThat(app.get("/status/" + (201 + i % 2)).statusCode()).isIn(201, 202);
    }
    List<ReceivedMetric> metrics = receiver.awaitMetrics(list -> count(list, 201) == 3 && count(list, 202) == 2, WAIT);
    List<Object> values = new ArrayList<>();
    metrics.stream().filter(m -> m.metric().hasHistogram())
        .forEach(m -> m.histogramPoints().forEach(p -> values.addAll(Otlp.attributes(p.getAttributesList()).values())));
    assertThat(values).contains("/status/{code}").noneMatch(v -> String.valueOf(v).contains("/status/20"));
  }

  private static long count(List<ReceivedMetric> metrics, long status) {
    long last = -1;
    for (ReceivedMetric metric : metrics) {
      if (!metric.name().equals("http.server.request.duration")) {
        continue;
      }
      for (HistogramDataPoint point : metric.histogramPoints()) {
        Map<String, Object> attributes = Otlp.attributes(point.getAttributesList());
        if ("/status/{code}".equals(attributes.get("http.route")) && Long.valueOf(status).equals(attributes.get("http.response.status_code"))) {
          last = point.getCount();
        }
      }
    }
    return last;
  }
}
