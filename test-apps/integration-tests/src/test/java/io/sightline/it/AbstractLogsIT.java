package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedLog;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The logging scenario, run against one test app per logging library (Logback, Log4j2; both also
 * log through java.util.logging). One app with the defaults (pattern console output, OTLP log
 * export) and one with {@code sightline.logs.json=true}, an always-off sampler and a log sample
 * ratio of 0.
 */
abstract class AbstractLogsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern IDS = Pattern.compile("trace=(\\S*) span=(\\S*) request=(\\S*) - (.*)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static OtlpReceiver receiver;
  private static OtlpReceiver jsonReceiver;
  private static TestApp app;
  private static TestApp jsonApp;

  /** The test-app module. */
  abstract String module();

  /** What the app's own lookups of the MDC / ThreadContext return, given the ids. */
  abstract String expectedLookups(String traceId, String spanId, String requestId);

  @BeforeAll
  static void startReceivers() {
    receiver = OtlpReceiver.start();
    jsonReceiver = OtlpReceiver.start();
  }

  @AfterAll
  static void stop() {
    for (TestApp a : new TestApp[] {app, jsonApp}) {
      if (a != null) {
        a.close();
      }
    }
    app = null;
    jsonApp = null;
    receiver.close();
    jsonReceiver.close();
  }

  private TestApp app() {
    if (app == null) {
      app = TestApp.app(module()).exportTo(receiver).property("otel.service.name", "logs-it").start();
    }
    return app;
  }

  private TestApp jsonApp() {
    if (jsonApp == null) {
      jsonApp = TestApp.app(module()).exportTo(jsonReceiver)
          .property("sightline.logs.json", "true")
          .property("otel.traces.sampler", "always_off")
          .property("sightline.logs.sample-ratio", "0")
          .start();
    }
    return jsonApp;
  }

  /** Each test calls its own path under /work, so that they share one app in any order. */
  private static ReceivedSpan awaitWorkSpan(OtlpReceiver from, String path) {
    List<ReceivedSpan> spans = from.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER
        && path.equals(s.attribute("url.path")), 1, WAIT);
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  @Test
  void linesInARequestCarryTheServerSpanAndRequestIds() {
    HttpResponse<String> response = app().get("/work/pattern");
    assertThat(response.statusCode()).isEqualTo(200);
    String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
    ReceivedSpan span = awaitWorkSpan(receiver, "/work/pattern");

    List<String[]> workLines = Wait.until(() -> parsedLines(app, "work step").stream()
        .filter(l -> l[0].equals(span.traceId())).toList(), l -> l.size() >= 3, WAIT, "3 log lines of the request");
    assertThat(workLines).extracting(l -> l[3]).containsExactly("work step one", "work step two", "work step three");
    for (String[] line : workLines) {
      assertThat(line[0]).as("trace_id").isEqualTo(span.traceId());
      assertThat(line[1]).as("span_id").isEqualTo(span.spanId());
      assertThat(line[2]).as("request_id").isEqualTo(requestId);
    }
    List<String[]> outside = parsedLines(app, "outside any request");
    assertThat(outside).hasSize(1);
    assertThat(outside.get(0)).containsExactly("", "", "", "outside any request");

    assertThat(response.body()).isEqualTo(expectedLookups(span.traceId(), span.spanId(), requestId));
  }

  @Test
  void linesArriveAsOtlpLogRecordsWithTheSpanIds() {
    HttpResponse<String> response = app().get("/work/otlp", "X-Request-ID", "otlp-logs-1");
    assertThat(response.statusCode()).isEqualTo(200);
    ReceivedSpan span = awaitWorkSpan(receiver, "/work/otlp");

    List<ReceivedLog> records = Wait.until(() -> receiver.logs().stream()
        .filter(r -> span.traceId().equals(r.traceId())).toList(), l -> l.size() >= 4, WAIT, "4 log records");
    assertThat(records).extracting(ReceivedLog::body)
        .containsExactlyInAnyOrder("work step one", "work step two", "work step three", "work through jul");
    for (ReceivedLog record : records) {
      assertThat(record.spanId()).isEqualTo(span.spanId());
      assertThat((String) record.attributes().get("thread.name")).matches("pool-\\d+-thread-\\d+");
      assertThat((Long) record.attributes().get("thread.id")).isPositive();
      assertThat(record.log().getTimeUnixNano()).isBetween(span.span().getStartTimeUnixNano() - 1_000_000,
          span.span().getEndTimeUnixNano());
    }
    ReceivedLog warn = records.stream().filter(r -> r.body().equals("work step three")).findFirst().orElseThrow();
    assertThat(warn.scope().getName()).isEqualTo("orders.work");
    assertThat(warn.log().getSeverityNumberValue()).isEqualTo(13);
    assertThat(warn.log().getSeverityText()).isEqualTo("WARN");
    ReceivedLog jul = records.stream().filter(r -> r.body().equals("work through jul")).findFirst().orElseThrow();
    assertThat(jul.scope().getName()).isEqualTo("orders.jul");
    assertThat(jul.log().getSeverityNumberValue()).isEqualTo(9);
    assertThat(jul.log().getSeverityText()).isEqualTo("INFO");

    app().get("/tricky");
    ReceivedLog error = Wait.until(() -> receiver.logs().stream().filter(r -> "tricky failure".equals(r.body()))
        .toList(), l -> !l.isEmpty(), WAIT, "the error record").get(0);
    assertThat(error.log().getSeverityNumberValue()).isEqualTo(17);
    assertThat(error.attributes()).contains(
        entry("exception.type", "java.lang.IllegalStateException"),
        entry("exception.message", "broken \"state\""));
    assertThat((String) error.attributes().get("exception.stacktrace"))
        .startsWith("java.lang.IllegalStateException: broken \"state\"\n\tat ");

    // No feedback loop: nothing of the agent's own (or its SDK's) logging is ever exported.
    assertThat(receiver.logs()).noneMatch(r -> r.scope().getName().startsWith("io.sightline"));
  }

  @Test
  void jsonConsoleLinesAreValidJsonWithAllFields() throws Exception {
    HttpResponse<String> response = jsonApp().get("/work/json", "X-Request-ID", "json-req-1");
    assertThat(response.statusCode()).isEqualTo(200);
    jsonApp().get("/tricky");
    Wait.until(() -> jsonApp.stdoutLines(), l -> l.stream().anyMatch(s -> s.contains("tricky failure")), WAIT,
        "the error line");

    List<JsonNode> lines = new ArrayList<>();
    for (String line : jsonApp.stdoutLines()) {
      lines.add(JSON.readTree(line)); // throws on any line that is not one JSON object
    }
    assertThat(lines).allSatisfy(node -> {
      assertThat(node.isObject()).isTrue();
      assertThat(node.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(node.get("thread").asText()).isNotEmpty();
    });

    List<JsonNode> work = lines.stream().filter(n -> n.get("message").asText().startsWith("work step")
        && n.path("request_id").asText().equals("json-req-1")).toList();
    assertThat(work).hasSize(3);
    String traceId = work.get(0).get("trace_id").asText();
    assertThat(traceId).matches("[0-9a-f]{32}");
    for (JsonNode line : work) {
      assertThat(line.get("logger").asText()).isEqualTo("orders.work");
      assertThat(line.get("trace_id").asText()).isEqualTo(traceId);
      assertThat(line.get("span_id").asText()).matches("[0-9a-f]{16}");
      assertThat(line.get("request_id").asText()).isEqualTo("json-req-1");
      // Always-off sampler: the sampled bit (01) is clear; the SDK may set the random-trace-id bit (02).
      assertThat(Integer.parseInt(line.get("trace_flags").asText(), 16) & 1).isZero();
    }
    assertThat(work).extracting(n -> n.get("level").asText()).containsExactly("INFO", "INFO", "WARN");

    JsonNode outside = lines.stream().filter(n -> n.get("message").asText().equals("outside any request"))
        .findFirst().orElseThrow();
    assertThat(outside.has("trace_id")).isFalse();
    assertThat(outside.has("span_id")).isFalse();
    assertThat(outside.has("request_id")).isFalse();

    JsonNode quoted = lines.stream().filter(n -> n.get("message").asText().startsWith("said")).findFirst().orElseThrow();
    assertThat(quoted.get("message").asText()).isEqualTo("said \"hi\"\nsecond line\u0007 done");
    JsonNode error = lines.stream().filter(n -> n.get("message").asText().equals("tricky failure")).findFirst().orElseThrow();
    assertThat(error.get("level").asText()).isEqualTo("ERROR");
    assertThat(error.get("exception").get("class").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("exception").get("message").asText()).isEqualTo("broken \"state\"");
    assertThat(error.get("exception").get("stack").asText())
        .startsWith("java.lang.IllegalStateException: broken \"state\"\n\tat ");
  }

  @Test
  void recordsOutsideARequestHaveNoTraceContext() {
    app();
    ReceivedLog outside = Wait.until(() -> receiver.logs().stream().filter(r -> "outside any request".equals(r.body()))
        .toList(), l -> !l.isEmpty(), WAIT, "the startup record").get(0);
    assertThat(outside.traceId()).isEmpty();
    assertThat(outside.spanId()).isEmpty();
    assertThat(outside.log().getSeverityNumberValue()).isEqualTo(9);
  }

  @Test
  void unsampledTracesKeepOnlyWarnAndErrorRecordsAtRatioZero() throws InterruptedException {
    TestApp started = jsonApp();
    started.get("/work/sampled", "X-Request-ID", "sampled-out-1");
    ReceivedLog warn = Wait.until(() -> jsonReceiver.logs().stream()
        .filter(r -> "work step three".equals(r.body())).toList(), l -> !l.isEmpty(), WAIT, "the WARN record").get(0);
    assertThat(warn.traceId()).matches("[0-9a-f]{32}");
    Thread.sleep(1000); // any INFO record of the request would have been exported by now
    assertThat(jsonReceiver.logs()).filteredOn(r -> warn.traceId().equals(r.traceId()))
        .extracting(ReceivedLog::body).containsExactly("work step three");
    // Outside a trace nothing is sampled out.
    assertThat(jsonReceiver.logs()).anyMatch(r -> "outside any request".equals(r.body()));
    assertThat(jsonReceiver.spans()).isEmpty();
  }

  /** {trace, span, request, message} of the pattern lines whose message starts with the prefix. */
  private static List<String[]> parsedLines(TestApp from, String messagePrefix) {
    List<String[]> parsed = new ArrayList<>();
    for (String line : from.stdoutLines()) {
      Matcher m = IDS.matcher(line);
      if (m.find() && m.group(4).startsWith(messagePrefix)) {
        parsed.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
      }
    }
    return parsed;
  }
}
