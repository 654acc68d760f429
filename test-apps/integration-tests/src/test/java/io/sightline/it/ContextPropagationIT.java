package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * The {@code executors} and {@code opentelemetry-instrumentation-annotations} instrumentations on
 * the context app: spans made on other threads land in the request's trace, with exact parents,
 * and nothing leaks onto work submitted outside requests.
 */
class ContextPropagationIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static OtlpReceiver receiver;
  private static TestApp app;

  @BeforeAll
  static void start() {
    receiver = OtlpReceiver.start();
    app = TestApp.app("context-app")
        .exportTo(receiver)
        .property("otel.service.name", "context-it")
        .property("otel.metrics.exporter", "none")
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

  private static ReceivedSpan server(String path) {
    return receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER && path.equals(s.attribute("url.path")), 1, WAIT).get(0);
  }

  private static List<ReceivedSpan> inTrace(String traceId, int count) {
    return receiver.awaitSpans(s -> s.traceId().equals(traceId), count, WAIT);
  }

  private static ReceivedSpan downstream(List<ReceivedSpan> spans, String via) {
    List<ReceivedSpan> matching = spans.stream().filter(s -> s.name().equals("downstream") && via.equals(s.attribute("via"))).toList();
    assertThat(matching).as("downstream via " + via + " in " + spans).hasSize(1);
    return matching.get(0);
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
    for (String via : List.of("executor", "supplyAsync")) {
      ReceivedSpan client = downstream(trace, via);
      assertThat(client.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(client.parentSpanId()).as(via).isEqualTo(order.spanId());
      assertThat(client.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    }
  }

  @Test
  void everyKindOfHandOverKeepsTheRequestAsParent() {
    String body = app.get("/variety").body();
    ReceivedSpan server = server("/variety");
    List<String> vias = new ArrayList<>(List.of("invokeAll-1", "invokeAll-2", "invokeAny", "schedule", "fork", "fork",
        "fork", "fork", "thenApplyAsync", "stage"));
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

  @Test
  void thousandRequestsThroughPoolOfFourKeepTheirOwnTraceAndOutsideWorkHasNoParent() throws Exception {
    int requests = 1000;
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
    List<ReceivedSpan> tasks = receiver.awaitSpans(s -> s.name().equals("Work.task") && "pool".equals(s.attribute("via")), requests, WAIT);
    List<ReceivedSpan> servers = receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER && "/pool".equals(s.attribute("url.path")), requests, WAIT);
    Map<Long, ReceivedSpan> serverBySeq = servers.stream().collect(Collectors.toMap(
        s -> Long.parseLong(((String) s.attribute("url.query")).substring("seq=".length())), Function.identity()));
    assertThat(tasks).hasSize(requests);
    assertThat(serverBySeq).hasSize(requests);
    for (ReceivedSpan task : tasks) {
      ReceivedSpan server = serverBySeq.get((Long) task.attribute("seq"));
      assertThat(task.traceId()).as(task.toString()).isEqualTo(server.traceId());
      assertThat(task.parentSpanId()).as(task.toString()).isEqualTo(server.spanId());
    }
    // Work fed to the same four threads by a thread outside any request, interleaved with the above.
    List<ReceivedSpan> outside = receiver.spans().stream().filter(s -> "outside".equals(s.attribute("via"))).toList();
    assertThat(outside).hasSizeGreaterThan(10);
    assertThat(outside).allSatisfy(s -> assertThat(s.parentSpanId()).as(s.toString()).isEmpty());
    assertThat(outside.stream().map(ReceivedSpan::traceId).distinct()).hasSize(outside.size());
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
