package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sightline.testing.Otlp;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedLog;
import io.sightline.testing.ReceivedMetric;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outcome-aware keeping with a ratio sampler that samples nothing, on the JDBC app and the JDK
 * server app: the traces whose SERVER span ends in error or runs past the threshold are exported
 * whole (with their JDBC spans, marked sampled), the others not at all.
 */
class OutcomeSamplingIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static OtlpReceiver receiver;
  private static TestApp app;
  private static TestApp server;

  @BeforeAll
  static void start() {
    receiver = OtlpReceiver.start();
    // The JDBC app also exports metrics, for the buffer's own counters.
    app = outcomeAware(TestApp.app("jdbc-app"))
        .property("otel.metrics.exporter", "otlp")
        .property("otel.metric.export.interval", "500ms")
        .start();
    server = outcomeAware(TestApp.app("jdk-http-server-app")).start();
  }

  private static TestApp.Builder outcomeAware(TestApp.Builder builder) {
    return builder
        .exportTo(receiver)
        .property("otel.service.name", "outcome-it")
        .property("otel.metrics.exporter", "none")
        .property("otel.logs.exporter", "none")
        .property("otel.traces.sampler", "parentbased_traceidratio")
        .property("otel.traces.sampler.arg", "0")
        .property("otel.bsp.schedule.delay", "100ms")
        .property("sightline.sampling.keep-slower-than", "700ms");
  }

  @AfterAll
  static void stop() {
    for (TestApp started : new TestApp[] {app, server}) {
      if (started != null) {
        started.close();
      }
    }
    receiver.close();
  }

  @Test
  void errorsAndSlowTracesAreExportedWholeAndNothingElse() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(app.get("/h2/prepared?id=" + i).statusCode()).isEqualTo(200);
    }
    assertThat(app.get("/h2/error").statusCode()).isEqualTo(500);
    assertThat(server.get("/sleep?ms=900").statusCode()).isEqualTo(200);
    assertThat(server.get("/sleep?ms=10").statusCode()).isEqualTo(200);
    assertThat(server.get("/hello").statusCode()).isEqualTo(200);
    assertThat(app.get("/h2/prepared?id=7").statusCode()).isEqualTo(200);

    receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 2, WAIT);
    Thread.sleep(1_000); // anything else the agent would (wrongly) export has arrived by now
    List<ReceivedSpan> spans = receiver.spans();
    Map<String, List<ReceivedSpan>> byTrace = spans.stream().collect(Collectors.groupingBy(ReceivedSpan::traceId));

    List<ReceivedSpan> servers = spans.stream().filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER).toList();
    assertThat(servers).extracting(s -> s.attribute("url.path")).containsExactlyInAnyOrder("/h2/error", "/sleep");
    assertThat(byTrace).hasSize(2);
    // Sampled, and the W3C random-trace-id bit the SDK sets on new traces is kept.
    assertThat(spans).allSatisfy(s -> assertThat(s.span().getFlags() & 0xff).as("trace flags").isEqualTo(3));

    ReceivedSpan failed = servers.stream().filter(s -> "/h2/error".equals(s.attribute("url.path"))).findFirst().orElseThrow();
    assertThat(failed.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    // The whole local trace: the failed statement under the SERVER span.
    List<ReceivedSpan> statements = byTrace.get(failed.traceId()).stream()
        .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT).toList();
    assertThat(statements).hasSize(1);
    assertThat(statements.get(0).parentSpanId()).isEqualTo(failed.spanId());
    assertThat(statements.get(0).attribute("db.query.text")).isEqualTo("SELECT * FROM missing_table");
    assertThat(statements.get(0).statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

    ReceivedSpan slow = servers.stream().filter(s -> "/sleep".equals(s.attribute("url.path"))).findFirst().orElseThrow();
    assertThat(slow.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(slow.durationMillis()).isGreaterThanOrEqualTo(900);

    // The JDBC app's buffer counts the spans it exported for their outcome (the failed trace's),
    // and none let go. Its request-duration exemplars lead to the kept trace and to no other: the
    // requests that ended well have none, as their traces were not exported. (The exemplar may
    // arrive one export after the count: the duration is recorded just after the span ends.)
    long keptByJdbcApp = byTrace.get(failed.traceId()).size();
    List<ReceivedMetric> metrics = receiver.awaitMetrics(
        list -> latest(list, "sightline.sampling.outcome.kept") == keptByJdbcApp
            && !exemplarTraces(list).getOrDefault(500L, List.of()).isEmpty(), WAIT);
    assertThat(latest(metrics, "sightline.sampling.outcome.evicted")).isZero();
    Map<Object, List<String>> exemplarTraces = exemplarTraces(metrics);
    assertThat(exemplarTraces).containsOnlyKeys(200L, 500L);
    assertThat(exemplarTraces.get(500L)).containsOnly(failed.traceId());
    assertThat(exemplarTraces.get(200L)).isEmpty();
  }

  /**
   * With {@code sightline.logs.sample-ratio} at 0 as well, a failed request's trace is exported with
   * every line it logged, INFO included; a request that ended well keeps only its WARN line. Lines
   * outside a request are exported as always.
   */
  @Test
  void aKeptTraceComesWithItsLogLines() throws Exception {
    try (OtlpReceiver logs = OtlpReceiver.start();
         TestApp logging = TestApp.app("logback-app")
             .exportTo(logs)
             .property("otel.service.name", "outcome-logs-it")
             .property("otel.metrics.exporter", "none")
             .property("otel.traces.sampler", "parentbased_traceidratio")
             .property("otel.traces.sampler.arg", "0")
             .property("sightline.logs.sample-ratio", "0")
             .property("otel.bsp.schedule.delay", "100ms")
             .property("otel.blrp.schedule.delay", "100ms")
             .start()) {
      assertThat(logging.get("/work").statusCode()).isEqualTo(200);
      assertThat(logging.get("/fail").statusCode()).isEqualTo(503);
      assertThat(logging.get("/work").statusCode()).isEqualTo(200);

      List<ReceivedSpan> spans = logs.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, WAIT);
      logs.awaitLogs(list -> list.stream().anyMatch(l -> l.body().startsWith("fail step two")), WAIT);
      Thread.sleep(1_000); // anything else the agent would (wrongly) export has arrived by now
      assertThat(logs.spans()).extracting(s -> s.attribute("url.path")).containsExactly("/fail");
      String failedTrace = spans.get(0).traceId();

      List<ReceivedLog> inRequests = logs.logs().stream().filter(l -> !l.traceId().isEmpty()).toList();
      assertThat(inRequests).extracting(ReceivedLog::body).containsExactlyInAnyOrder(
          "work step three", "work step three", "fail step one", "fail step two: the downstream did not answer");
      assertThat(inRequests.stream().filter(l -> l.body().startsWith("fail")))
          .allSatisfy(l -> assertThat(l.traceId()).isEqualTo(failedTrace));
      assertThat(logs.logs()).extracting(ReceivedLog::body).contains("outside any request");
    }
  }

  /** The trace ids of every request-duration exemplar received, by response status. */
  private static Map<Object, List<String>> exemplarTraces(List<ReceivedMetric> metrics) {
    Map<Object, List<String>> traces = new HashMap<>();
    for (ReceivedMetric metric : metrics) {
      if (metric.name().equals("http.server.request.duration")) {
        for (HistogramDataPoint point : metric.histogramPoints()) {
          traces.computeIfAbsent(Otlp.attributes(point.getAttributesList()).get("http.response.status_code"),
              status -> new ArrayList<>())
              .addAll(point.getExemplarsList().stream().map(e -> Otlp.hex(e.getTraceId())).toList());
        }
      }
    }
    return traces;
  }

  /** The last value received for a counter, or -1. */
  private static long latest(List<ReceivedMetric> metrics, String name) {
    long value = -1;
    for (ReceivedMetric metric : metrics) {
      if (metric.name().equals(name)) {
        for (NumberDataPoint point : metric.numberPoints()) {
          value = point.getAsInt();
        }
      }
    }
    return value;
  }
}
