package io.sightline.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnoseCommandTest {
  private static final String PAYMENTS = "payments.example.com";

  @TempDir
  Path dir;

  /**
   * 1000 POST /checkout requests: a 4 ms query, a 20 ms payment call, 1-9 ms of own code. 2% of
   * the payment calls time out after 2 s and are retried (resend_count); 4 of those time out twice.
   * Every 100th request answers 500. Plus 100 GET /health requests of 1 ms.
   */
  private Path checkoutScenario() {
    OtlpFixture f = new OtlpFixture();
    for (int i = 0; i < 1000; i++) {
      double t = i * 100.0;
      String trace = f.newTraceId();
      int timeouts = i % 250 == 7 ? 2 : i % 50 == 7 ? 1 : 0;
      double paymentEnd = t + 25 + timeouts * 2000;
      OtlpFixture.Span server = f.server("checkout", trace, "POST /checkout", t, paymentEnd + 5 + i % 10)
          .attr("http.request.method", "POST").attr("http.route", "/checkout")
          .attr("http.response.status_code", i % 100 == 99 ? 500L : 200L);
      if (i % 100 == 99) {
        server.error(null);
      }
      server.db("postgresql", "SELECT", "orders", t + 1, t + 5);
      for (int attempt = 0; attempt <= timeouts; attempt++) {
        double start = t + 5 + attempt * 2000;
        OtlpFixture.Span call = server.http("POST", PAYMENTS, start, start + (attempt < timeouts ? 2000 : 20));
        if (attempt > 0) {
          call.attr("http.request.resend_count", (long) attempt);
        }
        if (attempt < timeouts) {
          call.attr("error.type", "java.net.http.HttpTimeoutException").error("request timed out");
        } else {
          call.attr("http.response.status_code", 200L);
        }
      }
    }
    for (int i = 0; i < 100; i++) {
      f.server("checkout", f.newTraceId(), "GET /health", 200_000 + i * 10.0, 200_000 + i * 10.0 + 1)
          .attr("http.request.method", "GET").attr("http.route", "/health").attr("http.response.status_code", 200L);
    }
    return f.flushSpans(100).write(dir.resolve("checkout.jsonl"));
  }

  @Test
  void checkoutWithTimingOutPaymentsTextReport() {
    Path file = checkoutScenario();
    Result result = run(file.toString());
    assertThat(result.exit).isZero();
    assertThat(result.err).isEmpty();
    String noPoolMetrics = "  Pool waits: not visible in spans, and the file has no db.client.connection.wait_time"
        + " or pending_requests metrics (otel.metrics.exporter=otlp-file exports them).\n";
    String cause = "In the slowest 1% of POST /checkout, 99% of the time is spent in HTTP calls to payments.example.com"
        + " (14 of 24 timed out after 2.00 s, retried up to 2 times).";
    // Requests 7, 257, 507 and 757 time out twice (4037 ms); 57, 107... once (2037 ms); trace ids count from 1.
    String examples = "00000000000000000000000000000008, 00000000000000000000000000000102, 000000000000000000000000000001fc";
    assertThat(result.out).isEqualTo(""
        + "Sightline diagnose: " + file + "\n"
        + "32 lines: 32 with spans (3124 spans), 0 with metrics, 0 with logs\n"
        + "\n"
        + "REQUESTS BY ROUTE (SERVER spans; nearest-rank percentiles)\n"
        + "  ROUTE           REQUESTS  ERRORS  ERROR RATE      P50      P99      MAX\n"
        + "  POST /checkout      1000      10        1.0%  34.0 ms   2.04 s   4.04 s\n"
        + "  GET /health          100       0        0.0%  1.00 ms  1.00 ms  1.00 ms\n"
        + "\n"
        + "SLOWEST REQUESTS OF POST /checkout: the slowest 1%, 10 of 1000 requests, 2.04 s to 4.04 s\n"
        + "  Where the time went:\n"
        + "    OPERATION                    CALLS     TIME  SHARE\n"
        + "    HTTP payments.example.com       24   28.2 s  99.4%\n"
        + "    POST /checkout (self time)      10   130 ms   0.5%\n"
        + "    DB postgresql SELECT orders     10  40.0 ms   0.1%\n"
        + "  Downstream calls 99.5%, in-process 0.5%.\n"
        + "  Retries:\n"
        + "    SERVER ADDRESS        CALLS  MAX PER REQUEST  FAILED  TIMED OUT  MAX RETRIES  REQUESTS RETRYING\n"
        + "    payments.example.com     24                3      14         14            2                 10\n"
        + noPoolMetrics
        + "  Top cause: " + cause + "\n"
        + "  Example traces: " + examples + "\n"
        + "\n"
        + "SLOWEST REQUESTS OF GET /health: the slowest request, 1 of 100 requests, 1.00 ms\n"
        + "  Where the time went:\n"
        + "    OPERATION                CALLS     TIME   SHARE\n"
        + "    GET /health (self time)      1  1.00 ms  100.0%\n"
        + "  Downstream calls 0.0%, in-process 100.0%.\n"
        + "  Retries: no HTTP client calls in these requests.\n"
        + noPoolMetrics
        + "  Top cause: In the slowest request of GET /health, 100% of the time is spent in GET /health itself,"
        + " outside any child span (its own code: CPU, locks, sleeps, or calls that are not traced).\n"
        + "  Example traces: 000000000000000000000000000003e9\n"
        + "\n"
        + "SLOWEST REQUESTS OVERALL\n"
        + "  TRACE ID                          ROUTE           DURATION  STATUS  MOST TIME IN\n"
        + "  00000000000000000000000000000008  POST /checkout    4.04 s  OK      99.6% HTTP payments.example.com\n"
        + "  00000000000000000000000000000102  POST /checkout    4.04 s  OK      99.6% HTTP payments.example.com\n"
        + "  000000000000000000000000000001fc  POST /checkout    4.04 s  OK      99.6% HTTP payments.example.com\n"
        + "  000000000000000000000000000002f6  POST /checkout    4.04 s  OK      99.6% HTTP payments.example.com\n"
        + "  0000000000000000000000000000003a  POST /checkout    2.04 s  OK      99.2% HTTP payments.example.com\n"
        + "\n"
        + "TOP CAUSE\n"
        + "  " + cause + "\n"
        + "  Example traces: " + examples + "\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void checkoutJsonReport() throws IOException {
    Result result = run("--json", checkoutScenario().toString());
    assertThat(result.exit).isZero();
    Map<String, Object> json = (Map<String, Object>) parseJson(result.out);
    assertThat(json).containsEntry("lines", 32L).containsEntry("spans", 3124L).containsEntry("malformedLines", 0L);
    List<Map<String, Object>> routes = (List<Map<String, Object>>) json.get("routes");
    assertThat(routes).hasSize(2);
    assertThat(routes.get(0)).isEqualTo(Map.of("service", "checkout", "route", "POST /checkout",
        "requests", 1000L, "errors", 10L, "errorRate", 0.01, "p50Ms", 34.0, "p99Ms", 2037.0, "maxMs", 4037.0));
    assertThat(routes.get(1)).containsEntry("route", "GET /health").containsEntry("requests", 100L)
        .containsEntry("p99Ms", 1.0);

    List<Map<String, Object>> slow = (List<Map<String, Object>>) json.get("slowRequests");
    Map<String, Object> checkout = slow.get(0);
    assertThat(checkout).containsEntry("route", "POST /checkout").containsEntry("scope", "the slowest 1%")
        .containsEntry("requests", 10L).containsEntry("ofRequests", 1000L).containsEntry("fastestMs", 2037.0)
        .containsEntry("slowestMs", 4037.0).containsEntry("totalMs", 28370.0);
    List<Map<String, Object>> operations = (List<Map<String, Object>>) checkout.get("operations");
    assertThat(operations).extracting(o -> o.get("type") + " " + o.get("name") + " " + o.get("calls") + " " + o.get("timeMs"))
        .containsExactly("http payments.example.com 24 28200.0", "self POST /checkout 10 130.0",
            "db postgresql SELECT orders 10 40.0");
    assertThat((Double) operations.get(0).get("share")).isEqualTo(28200.0 / 28370.0);
    assertThat((List<Map<String, Object>>) checkout.get("httpServers")).containsExactly(Map.of(
        "serverAddress", PAYMENTS, "calls", 24L, "maxCallsPerRequest", 3L, "failed", 14L, "timedOut", 14L, "medianTimeoutMs", 2000.0,
        "maxRetries", 2L, "requestsRetrying", 10L));
    assertThat(((Map<String, Object>) checkout.get("poolWaits")).get("visibleInSpans")).isEqualTo(false);
    assertThat(json.get("topCause")).isEqualTo("In the slowest 1% of POST /checkout, 99% of the time is spent in"
        + " HTTP calls to payments.example.com (14 of 24 timed out after 2.00 s, retried up to 2 times).");
    assertThat((List<Object>) json.get("exampleTraceIds")).containsExactly(OtlpFixture.traceId(8),
        OtlpFixture.traceId(258), OtlpFixture.traceId(508));
    assertThat((List<Map<String, Object>>) json.get("slowestOverall"))
        .extracting(r -> r.get("traceId") + " " + r.get("durationMs"))
        .containsExactly(OtlpFixture.traceId(8) + " 4037.0", OtlpFixture.traceId(258) + " 4037.0",
            OtlpFixture.traceId(508) + " 4037.0", OtlpFixture.traceId(758) + " 4037.0", OtlpFixture.traceId(58) + " 2037.0");
  }

  /**
   * Parallel calls share their common time; children are clipped to their parent; an internal
   * span is opened up (its own time, then its children).
   */
  @Test
  void parallelCallsShareTimeAndChildrenAreClipped() throws IOException {
    OtlpFixture f = new OtlpFixture();
    OtlpFixture.Span server = f.server("shop", f.newTraceId(), "GET /page", 0, 100)
        .attr("http.request.method", "GET").attr("http.route", "/page");
    server.http("GET", "a.example", 10, 50);
    server.http("GET", "b.example", 30, 70);
    OtlpFixture.Span render = server.child(1, "render", 70, 90);
    render.db("postgresql", "SELECT", "items", 75, 80);
    server.http("GET", "c.example", 95, 130); // outlives the request: only 5 ms count
    Diagnosis d = Diagnosis.of(f.flushSpans(2).write(dir.resolve("parallel.jsonl")));
    SlowRequests slow = d.slowRoutes.get(0);
    Map<String, Double> ms = new LinkedHashMap<>();
    slow.nanos.forEach((op, nanos) -> ms.put(op.label(), nanos / 1e6));
    assertThat(ms).containsExactly(Map.entry("HTTP a.example", 30.0), Map.entry("HTTP b.example", 30.0),
        Map.entry("GET /page (self time)", 15.0), Map.entry("internal render", 15.0),
        Map.entry("HTTP c.example", 5.0), Map.entry("DB postgresql SELECT items", 5.0));
    assertThat(slow.downstreamShare()).isEqualTo(0.70);
    assertThat(slow.cause()).isEqualTo("In the slowest request of GET /page, 30% of the time is spent in HTTP calls"
        + " to a.example (1 call).");
  }

  /** Without http.request.resend_count, a call after a failed call of the same name to the same server is a retry. */
  @Test
  void retriesWithoutResendCountAreCallsRepeatedAfterAFailure() {
    OtlpFixture f = new OtlpFixture();
    OtlpFixture.Span server = f.server("shop", f.newTraceId(), "GET /quote", 0, 100)
        .attr("http.request.method", "GET").attr("http.route", "/quote");
    server.http("GET", "api.example", 5, 35).attr("http.response.status_code", 503L).attr("error.type", "503").error(null);
    server.http("GET", "api.example", 35, 65).attr("http.response.status_code", 503L).attr("error.type", "503").error(null);
    server.http("GET", "api.example", 65, 75).attr("http.response.status_code", 200L);
    server.http("POST", "api.example", 80, 90).attr("http.response.status_code", 200L); // another operation
    Result result = run(f.flushSpans(512).write(dir.resolve("retries.jsonl")).toString());
    assertThat(result.lines()).containsSequence(
        "    SERVER ADDRESS  CALLS  MAX PER REQUEST  FAILED  TIMED OUT  MAX RETRIES  REQUESTS RETRYING",
        "    api.example         4                4       2          0            2                  1");
    assertThat(result.lines()).contains("  Top cause: In the slowest request of GET /quote, 80% of the time is spent in"
        + " HTTP calls to api.example (2 of 4 failed, retried up to 2 times).");
  }

  @Test
  void routesAreGroupedByServiceWhenThereAreSeveral() {
    OtlpFixture f = new OtlpFixture();
    for (int i = 0; i < 3; i++) {
      double t = i * 1000.0;
      String trace = f.newTraceId();
      OtlpFixture.Span front = f.server("front", trace, "GET /items", t, t + 50 + i)
          .attr("http.request.method", "GET").attr("http.route", "/items");
      OtlpFixture.Span call = front.http("GET", "back.internal", t + 5, t + 45);
      f.server("back", trace, "GET /items", t + 6, t + 44).attr("http.request.method", "GET").attr("http.route", "/items");
      f.flushSpans(10);
      // The back end's SERVER span is the client call's child: its time counts as the call's.
      assertThat(call.spanId).isNotEmpty();
    }
    Result result = run(f.write(dir.resolve("services.jsonl")).toString());
    assertThat(result.exit).isZero();
    assertThat(result.lines()).containsSequence(
        "  SERVICE  ROUTE       REQUESTS  ERRORS  ERROR RATE      P50      P99      MAX",
        "  front    GET /items         3       0        0.0%  51.0 ms  52.0 ms  52.0 ms",
        "  back     GET /items         3       0        0.0%  38.0 ms  38.0 ms  38.0 ms");
    assertThat(result.lines()).contains("SLOWEST REQUESTS OF front: GET /items: the slowest request, 1 of 3 requests, 52.0 ms",
        "  Top cause: In the slowest request of front: GET /items, 77% of the time is spent in HTTP calls to"
            + " back.internal (1 call).");
  }

  @Test
  void aRepeatedQueryIsTheCause() {
    OtlpFixture f = new OtlpFixture();
    OtlpFixture.Span server = f.server("shop", f.newTraceId(), "GET /orders", 0, 50)
        .attr("http.request.method", "GET").attr("http.route", "/orders");
    for (int i = 0; i < 20; i++) {
      server.db("postgresql", "SELECT", "items", 5 + i * 2, 7 + i * 2);
    }
    Result result = run(f.flushSpans(512).write(dir.resolve("nplus1.jsonl")).toString());
    assertThat(result.lines()).contains("  Top cause: In the slowest request of GET /orders, 80% of the time is spent in"
        + " postgresql SELECT items database calls (20 calls, up to 20 per request).");
  }

  @Test
  void poolWaitsFromMetricsWhenSpansHaveNone() {
    OtlpFixture f = new OtlpFixture();
    OtlpFixture.Span server = f.server("shop", f.newTraceId(), "GET /orders", 0, 50)
        .attr("http.request.method", "GET").attr("http.route", "/orders");
    server.db("postgresql", "SELECT", "orders", 30, 45);
    f.flushSpans(512)
        .waitTimeHistogram("HikariPool-1", 10, 0.2, 0.05, 1000)
        .pendingRequests("HikariPool-1", 8, 1000)
        .waitTimeHistogram("HikariPool-1", 40, 2.0, 0.5, 2000) // cumulative: the latest point counts
        .pendingRequests("HikariPool-1", 2, 2000);
    Result result = run(f.write(dir.resolve("pool.jsonl")).toString());
    assertThat(result.lines()).contains(
        "5 lines: 1 with spans (2 spans), 4 with metrics, 0 with logs",
        "  Pool waits: not visible in spans; see CONNECTION POOLS (from the db.client.connection.wait_time and"
            + " db.client.connection.pending_requests metrics).");
    assertThat(result.lines()).containsSequence(
        "CONNECTION POOLS (metrics)",
        "  POOL          WAITS  MEAN WAIT  MAX WAIT  PENDING PEAK  IN USE PEAK  MAX SIZE",
        "  HikariPool-1     40    50.0 ms    500 ms             8            -         -");
  }

  @Test
  void poolWaitSpansAreTheCause() {
    OtlpFixture f = new OtlpFixture();
    for (int i = 0; i < 2; i++) {
      double t = i * 1000.0;
      OtlpFixture.Span server = f.server("shop", f.newTraceId(), "GET /orders", t, t + 100)
          .attr("http.request.method", "GET").attr("http.route", "/orders");
      server.child(1, "HikariPool.getConnection", t + 5, t + 85).attr("db.client.connection.pool.name", "HikariPool-1");
      server.db("postgresql", "SELECT", "orders", t + 85, t + 95);
    }
    Result result = run(f.flushSpans(512).write(dir.resolve("poolspans.jsonl")).toString());
    assertThat(result.lines()).contains(
        "  Pool waits: 80.0 ms in 1 wait for a connection (80% of the time).",
        "  Top cause: In the slowest request of GET /orders, 80% of the time is spent waiting for a connection from"
            + " HikariPool-1 (1 wait).",
        "  Downstream calls 10.0%, in-process 10.0%, pool waits 80.0%.");
  }

  @Test
  void malformedLinesAreCountedAndSkippedWithOneWarning() {
    OtlpFixture f = new OtlpFixture();
    f.server("shop", f.newTraceId(), "GET /a", 0, 10).attr("http.route", "/a").attr("http.request.method", "GET");
    f.flushSpans(10);
    f.server("shop", f.newTraceId(), "GET /a", 0, 20).attr("http.route", "/a").attr("http.request.method", "GET");
    f.flushSpans(10);
    Path good = f.write(dir.resolve("good.jsonl"));
    List<String> lines;
    try {
      lines = new ArrayList<>(java.nio.file.Files.readAllLines(good));
      // Line 2 cut in the middle (a crash while writing), then garbage, a foreign object and blank lines.
      lines.set(1, lines.get(1).substring(0, lines.get(1).length() - 30));
      lines.add("not json");
      lines.add("");
      lines.add("{\"something\":\"else\"}");
      java.nio.file.Files.write(good, lines);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Result result = run(good.toString());
    assertThat(result.exit).isZero();
    assertThat(result.err.split("\n")).hasSize(1);
    assertThat(result.err).startsWith("sightline diagnose: warning: skipped 3 malformed lines (first: line 2: ");
    assertThat(result.lines()).contains("5 lines: 1 with spans (1 spans), 0 with metrics, 0 with logs; 3 malformed lines skipped",
        "  GET /a         1       0        0.0%  10.0 ms  10.0 ms  10.0 ms");
  }

  @Test
  void aMissingOrUnreadableFileExitsWith2() {
    Path missing = dir.resolve("missing.jsonl");
    Result result = run(missing.toString());
    assertThat(result.exit).isEqualTo(2);
    assertThat(result.out).isEmpty();
    assertThat(result.err).isEqualTo("sightline diagnose: " + missing + ": no such file\n");

    Result directory = run(dir.toString());
    assertThat(directory.exit).isEqualTo(2);
    assertThat(directory.err).isEqualTo("sightline diagnose: " + dir + ": not a readable file\n");

    Result none = run();
    assertThat(none.exit).isEqualTo(2);
    assertThat(none.err).isEqualTo("sightline diagnose: no FILE given\n" + DiagnoseCommand.USAGE + "\n");

    Result unknown = run("--fast", "x");
    assertThat(unknown.exit).isEqualTo(2);
    assertThat(unknown.err).startsWith("sightline diagnose: unexpected argument '--fast'\nusage: ");
  }

  @Test
  void aFileWithoutServerSpansSaysSo() {
    Path file = new OtlpFixture().pendingRequests("p", 1, 0).write(dir.resolve("metrics-only.jsonl"));
    Result result = run(file.toString());
    assertThat(result.exit).isZero();
    assertThat(result.lines()).containsExactly("Sightline diagnose: " + file,
        "1 lines: 0 with spans (0 spans), 1 with metrics, 0 with logs", "",
        "No SERVER spans in the file: no requests to diagnose (was otel.traces.exporter=otlp-file set?).");
  }

  private static final class Result {
    final int exit;
    final String out;
    final String err;

    Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }

    List<String> lines() {
      return Arrays.asList(out.split("\n"));
    }
  }

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = DiagnoseCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"),
        err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  /** A JSON document as maps, lists, strings, numbers and booleans. */
  static Object parseJson(String json) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      p.nextToken();
      return value(p);
    }
  }

  private static Object value(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, value(p));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return true;
      case VALUE_FALSE:
        return false;
      default:
        return null;
    }
  }
}
