package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.sightline.testing.Otlp;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedMetric;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JDBC spans and pool metrics from a real app (JDK HttpServer + HikariCP, DBCP2, Tomcat JDBC) on
 * H2 and on a real PostgreSQL server started for this test.
 */
class JdbcIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static PostgresServer postgres;
  private static OtlpReceiver receiver;
  private static TestApp app;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.start();
    receiver = OtlpReceiver.start();
    app = TestApp.app("jdbc-app")
        .exportTo(receiver)
        .property("otel.service.name", "jdbc-it")
        // Debug turns every suppressed advice error and hook failure into a WARN line (checked below).
        .property("otel.javaagent.debug", "true")
        .property("app.pg.url", postgres.jdbcUrl())
        .property("app.pg.user", PostgresServer.USER)
        .start();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void reset() {
    receiver.reset();
  }

  /** The SERVER span of the request to {@code path} and the CLIENT spans of its trace. */
  private static List<ReceivedSpan> clientSpansUnder(String path, int expectedClientSpans) {
    ReceivedSpan server = receiver.awaitSpans(
        s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER && path.equals(s.attribute("url.path")), 1, WAIT).get(0);
    List<ReceivedSpan> clients = receiver.awaitSpans(
        s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT && s.traceId().equals(server.traceId()), expectedClientSpans, WAIT);
    // Late duplicates would show up within an export interval or two.
    sleep(600);
    clients = receiver.spans().stream()
        .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT && s.traceId().equals(server.traceId()))
        .toList();
    assertThat(clients).as("CLIENT spans of " + path).hasSize(expectedClientSpans);
    for (ReceivedSpan client : clients) {
      assertThat(client.parentSpanId()).isEqualTo(server.spanId());
      assertThat(client.scope().getName()).isEqualTo("io.sightline.jdbc");
    }
    return clients;
  }

  private static Map<String, Object> pgServer(Map<String, Object> attributes) {
    Map<String, Object> all = new java.util.HashMap<>(attributes);
    all.put("db.system.name", "postgresql");
    all.put("db.namespace", "sightline");
    all.put("server.address", "127.0.0.1");
    all.put("server.port", (long) postgres.port());
    return all;
  }

  @Test
  void literalQueryOnH2ThroughHikari() {
    HttpResponse<String> response = app.get("/h2/literal");
    assertThat(response.body()).isEqualTo("found 98765");

    ReceivedSpan span = clientSpansUnder("/h2/literal", 1).get(0);
    assertThat(span.name()).isEqualTo("SELECT orders");
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "db.system.name", "h2database",
        "db.namespace", "orders",
        "db.query.text", "SELECT id, note FROM orders WHERE note = ? AND id = ?",
        "db.operation.name", "SELECT",
        "db.collection.name", "orders"));
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertNoLiterals(span);
  }

  @Test
  void literalQueryOnPostgresThroughHikari() {
    assertThat(app.get("/pg/literal").body()).isEqualTo("found 98765");

    ReceivedSpan span = clientSpansUnder("/pg/literal", 1).get(0);
    assertThat(span.name()).isEqualTo("SELECT orders");
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(pgServer(Map.of(
        "db.query.text", "SELECT id, note FROM orders WHERE note = ? AND id = ?",
        "db.operation.name", "SELECT",
        "db.collection.name", "orders")));
    assertNoLiterals(span);
  }

  @Test
  void preparedQueryOnPostgresIsOneSpanThroughHikariProxyAndDriver() {
    assertThat(app.get("/pg/prepared?id=98765").body()).isEqualTo("secret-literal-123");

    ReceivedSpan span = clientSpansUnder("/pg/prepared", 1).get(0);
    assertThat(span.name()).isEqualTo("SELECT orders");
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(pgServer(Map.of(
        "db.query.text", "SELECT note FROM orders WHERE id = ?",
        "db.operation.name", "SELECT",
        "db.collection.name", "orders")));
  }

  @Test
  void queryThroughDbcpOnPostgresIsOneSpan() {
    assertThat(app.get("/dbcp/prepared?id=98765").body()).isEqualTo("secret-literal-123");

    ReceivedSpan span = clientSpansUnder("/dbcp/prepared", 1).get(0);
    assertThat(span.name()).isEqualTo("SELECT orders");
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(pgServer(Map.of(
        "db.query.text", "SELECT note FROM orders WHERE id = ?",
        "db.operation.name", "SELECT",
        "db.collection.name", "orders")));
  }

  @Test
  void batchOnPostgresHasBatchSizeAndBatchOperation() {
    assertThat(app.get("/pg/batch").body()).isEqualTo("inserted 3");

    List<ReceivedSpan> spans = clientSpansUnder("/pg/batch", 2);
    ReceivedSpan delete = spans.stream().filter(s -> s.name().startsWith("DELETE")).findFirst().orElseThrow();
    ReceivedSpan batch = spans.stream().filter(s -> s.name().startsWith("BATCH")).findFirst().orElseThrow();
    assertThat(delete.name()).isEqualTo("DELETE orders");
    assertThat(delete.attribute("db.query.text")).isEqualTo("DELETE FROM orders WHERE id < ?");
    assertThat(batch.name()).isEqualTo("BATCH INSERT orders");
    assertThat(batch.attributes()).containsExactlyInAnyOrderEntriesOf(pgServer(Map.of(
        "db.query.text", "INSERT INTO orders (id, note) VALUES (?, ?)",
        "db.operation.name", "BATCH INSERT",
        "db.collection.name", "orders",
        "db.operation.batch.size", 3L)));
  }

  @Test
  void plainStatementBatchOnH2CombinesItsStatements() {
    assertThat(app.get("/h2/stmtbatch").body()).isEqualTo("inserted 2");

    List<ReceivedSpan> spans = clientSpansUnder("/h2/stmtbatch", 2);
    ReceivedSpan batch = spans.stream().filter(s -> s.name().startsWith("BATCH")).findFirst().orElseThrow();
    assertThat(batch.name()).isEqualTo("BATCH INSERT orders");
    assertThat(batch.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "db.system.name", "h2database",
        "db.namespace", "orders",
        "db.query.text", "INSERT INTO orders (id, note) VALUES (?, ?)",
        "db.operation.name", "BATCH INSERT",
        "db.collection.name", "orders",
        "db.operation.batch.size", 2L));
  }

  @Test
  void sqlExceptionOnH2() {
    HttpResponse<String> response = app.get("/h2/error");
    assertThat(response.statusCode()).isEqualTo(500);
    String sqlState = response.body().substring("SQLException ".length(), response.body().indexOf(':'));

    ReceivedSpan span = clientSpansUnder("/h2/error", 1).get(0);
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.attribute("error.type")).isEqualTo("org.h2.jdbc.JdbcSQLSyntaxErrorException");
    assertThat(span.attribute("db.response.status_code")).isEqualTo(sqlState);
  }

  /**
   * A duplicate key: H2 quotes the statement and the row, PostgreSQL the key in its Detail line.
   * The exception event keeps the message's meaning without them, as db.query.text does.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "pg"})
  void theExceptionEventHidesTheValuesTheDriverQuotes(String pool) {
    HttpResponse<String> response = app.get("/" + pool + "/duplicate");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).as("what the application itself got").contains("98765");

    ReceivedSpan span = clientSpansUnder("/" + pool + "/duplicate", 1).get(0);
    assertThat(span.attribute("db.query.text")).isEqualTo("INSERT INTO orders (id, note) VALUES (?, ?)");
    assertThat(span.span().getEventsList()).hasSize(1);
    Map<String, Object> event = Otlp.attributes(span.span().getEvents(0).getAttributesList());
    assertThat((String) event.get("exception.type")).endsWith("Exception");
    for (String key : new String[] {"exception.message", "exception.stacktrace"}) {
      assertThat((String) event.get(key)).as(key).isNotEmpty()
          .doesNotContain("secret-dup-456").doesNotContain("98765");
    }
    assertThat((String) event.get("exception.stacktrace")).contains("\tat ");
  }

  @Test
  void connectionRequestTimeoutIsCounted() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(app.url("/pgtiny/sleep?s=1")))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      statuses.add(call.get().statusCode());
    }
    assertThat(statuses).containsExactlyInAnyOrder(200, 500);

    List<ReceivedMetric> metrics = receiver.awaitMetrics(
        list -> latestGauge(list, "db.client.connection.timeouts", "pg-tiny", null) == 1
            && histogramCount(list, "db.client.connection.wait_time", "pg-tiny") == 2
            && histogramCount(list, "db.client.connection.use_time", "pg-tiny") == 1, WAIT);
    // Only the request that got the connection used it; the other one timed out after 250 ms.
    assertThat(histogramCount(metrics, "db.client.connection.use_time", "pg-tiny")).isEqualTo(1);
    assertThat(latestGauge(metrics, "db.client.connection.max", "pg-tiny", null)).isEqualTo(1);
  }

  @Test
  void aStatementKeptOpenWhileManyOthersComeAndGoKeepsItsSql() {
    // 150 statements prepared, run and closed in between: with HikariCP's proxy and H2's statement
    // that is 300 prepares, far more than the agent's ring of recent statements holds.
    assertThat(app.get("/h2/longlived?id=98765&others=150").body()).isEqualTo("secret-literal-123");

    List<ReceivedSpan> clients = clientSpansUnder("/h2/longlived", 151);
    ReceivedSpan last = clients.stream()
        .max(java.util.Comparator.comparingLong(s -> s.span().getStartTimeUnixNano())).orElseThrow();
    assertThat(last.attribute("db.query.text")).isEqualTo("SELECT note FROM orders WHERE id = ?");
    assertThat(clients.stream().filter(s -> "SELECT id FROM orders WHERE id = ?".equals(s.attribute("db.query.text"))))
        .hasSize(150);
  }

  @Test
  void agentReportsNoInstrumentationFailure() {
    assertThat(app.get("/h2/prepared?id=98765").body()).isEqualTo("secret-literal-123");
    assertThat(app.stderrLines()).noneMatch(line -> line.contains("[sightline] WARN"));
    // The statement advice reached the driver and the pool proxies, and nothing JDK-internal.
    assertThat(app.stderrLines())
        .anyMatch(line -> line.contains("transformed org.postgresql.jdbc.PgPreparedStatement"))
        .anyMatch(line -> line.contains("transformed com.zaxxer.hikari.pool.HikariProxyPreparedStatement"))
        .anyMatch(line -> line.contains("transformed org.h2.jdbc.JdbcPreparedStatement"))
        .noneMatch(line -> line.matches(".*transformed (java|javax|jdk|sun)\\..*\\((jdbc|hikaricp|apache-dbcp|tomcat-jdbc)\\)"));
  }

  @Test
  void sqlExceptionMakesAnErrorSpanWithEvent() {
    HttpResponse<String> response = app.get("/pg/error");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).startsWith("SQLException 42P01:");

    ReceivedSpan span = clientSpansUnder("/pg/error", 1).get(0);
    assertThat(span.name()).isEqualTo("SELECT missing_table");
    assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.attributes()).containsExactlyInAnyOrderEntriesOf(pgServer(Map.of(
        "db.query.text", "SELECT * FROM missing_table",
        "db.operation.name", "SELECT",
        "db.collection.name", "missing_table",
        "db.response.status_code", "42P01",
        "error.type", "org.postgresql.util.PSQLException")));
    assertThat(span.span().getEventsList()).hasSize(1);
    Span.Event event = span.span().getEvents(0);
    assertThat(event.getName()).isEqualTo("exception");
    assertThat(Otlp.attributes(event.getAttributesList()))
        .containsEntry("exception.type", "org.postgresql.util.PSQLException");
  }

  @Test
  void operationDurationHistogramHasTheQueryAttributes() {
    app.get("/h2/literal");
    app.get("/pg/error");

    List<ReceivedMetric> metrics = receiver.awaitMetrics(list -> durationPoint(list, "h2database", null) != null
        && durationPoint(list, "postgresql", "org.postgresql.util.PSQLException") != null, WAIT);
    HistogramDataPoint h2 = durationPoint(metrics, "h2database", null);
    assertThat(Otlp.attributes(h2.getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "db.system.name", "h2database",
        "db.namespace", "orders",
        "db.operation.name", "SELECT",
        "db.collection.name", "orders"));
    assertThat(h2.getExplicitBoundsList()).containsExactly(
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    HistogramDataPoint pgError = durationPoint(metrics, "postgresql", "org.postgresql.util.PSQLException");
    assertThat(Otlp.attributes(pgError.getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "db.system.name", "postgresql",
        "db.namespace", "sightline",
        "db.operation.name", "SELECT",
        "db.collection.name", "missing_table",
        "server.address", "127.0.0.1",
        "server.port", (long) postgres.port(),
        "error.type", "org.postgresql.util.PSQLException"));
    ReceivedMetric duration = metrics.stream().filter(m -> m.name().equals("db.client.operation.duration")).findFirst().orElseThrow();
    assertThat(duration.metric().getUnit()).isEqualTo("s");
  }

  @Test
  void saturatedPoolShowsPendingRequestsAndAllConnectionsUsed() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(app.url("/pgsmall/sleep?s=1")))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    // While they wait: one collection that sees both connections used and requests queued.
    List<ReceivedMetric> during = receiver.awaitMetrics(list -> {
      long[] latest = latestPool(list, "pg-small");
      return latest[0] == 2 && latest[1] > 0;
    }, WAIT);
    long[] seen = latestPool(during, "pg-small");
    System.out.println("pg-small while saturated: used=" + seen[0] + " pending_requests=" + seen[1]);
    assertThat(seen[0]).as("used").isEqualTo(2);
    assertThat(seen[1]).as("pending_requests").isBetween(1L, 8L);

    for (CompletableFuture<HttpResponse<String>> call : calls) {
      assertThat(call.get().body()).isEqualTo("slept");
    }
    List<ReceivedMetric> after = receiver.awaitMetrics(list -> {
      long[] latest = latestPool(list, "pg-small");
      return latest[0] == 0 && latest[1] == 0 && histogramCount(list, "db.client.connection.use_time", "pg-small") == 10;
    }, WAIT);
    assertThat(histogramCount(after, "db.client.connection.wait_time", "pg-small")).isEqualTo(10);
    assertThat(latestGauge(after, "db.client.connection.max", "pg-small", null)).isEqualTo(2);
    assertThat(latestGauge(after, "db.client.connection.idle.min", "pg-small", null)).isEqualTo(2);
    assertThat(latestGauge(after, "db.client.connection.count", "pg-small", "idle")).isEqualTo(2);
    assertThat(latestGauge(after, "db.client.connection.timeouts", "pg-small", null)).isEqualTo(0);
    ReceivedMetric pending = after.stream().filter(m -> m.name().equals("db.client.connection.pending_requests")
        && m.scope().getName().equals("io.sightline.hikaricp")).findFirst().orElseThrow();
    assertThat(pending.scope().getName()).isEqualTo("io.sightline.hikaricp");
    assertThat(pending.metric().getUnit()).isEqualTo("{request}");
  }

  @Test
  void dbcpAndTomcatPoolsReportTheirLimits() {
    assertThat(app.get("/dbcp/literal").body()).isEqualTo("found 98765");
    assertThat(app.get("/tomcat/literal").body()).isEqualTo("found 98765");
    String dbcpName = "127.0.0.1:" + postgres.port() + "/sightline";

    List<ReceivedMetric> metrics = receiver.awaitMetrics(list -> latestGauge(list, "db.client.connection.max", dbcpName, null) >= 0
        && latestGauge(list, "db.client.connection.max", "tomcat-h2", null) >= 0
        && latestGauge(list, "db.client.connection.count", dbcpName, "idle") >= 1
        && latestGauge(list, "db.client.connection.count", dbcpName, "used") == 0
        && latestGauge(list, "db.client.connection.count", "tomcat-h2", "used") == 0
        && histogramCount(list, "db.client.connection.use_time", dbcpName) >= 1, WAIT);
    assertThat(latestGauge(metrics, "db.client.connection.max", dbcpName, null)).isEqualTo(3);
    assertThat(latestGauge(metrics, "db.client.connection.idle.min", dbcpName, null)).isEqualTo(1);
    assertThat(latestGauge(metrics, "db.client.connection.count", dbcpName, "used")).isEqualTo(0);
    assertThat(latestGauge(metrics, "db.client.connection.pending_requests", dbcpName, null)).isEqualTo(0);
    assertThat(latestGauge(metrics, "db.client.connection.max", "tomcat-h2", null)).isEqualTo(5);
    assertThat(latestGauge(metrics, "db.client.connection.idle.min", "tomcat-h2", null)).isEqualTo(1);
    assertThat(latestGauge(metrics, "db.client.connection.count", "tomcat-h2", "used")).isEqualTo(0);
    assertThat(histogramCount(metrics, "db.client.connection.wait_time", "tomcat-h2")).isGreaterThanOrEqualTo(1);

    // Closing a pool at runtime unregisters it: later collections no longer report it.
    assertThat(app.get("/close?pool=tomcat").body()).isEqualTo("closed true");
    long closedAt = System.nanoTime();
    sleep(1500);
    List<ReceivedMetric> later = receiver.awaitMetrics(list -> list.stream()
        .anyMatch(m -> m.receivedNanos() > closedAt + 1_000_000_000L && m.name().equals("db.client.connection.max")), WAIT);
    assertThat(later.stream().filter(m -> m.receivedNanos() > closedAt + 1_000_000_000L && m.name().equals("db.client.connection.max"))
        .flatMap(m -> m.numberPoints().stream())
        .map(p -> Otlp.attributes(p.getAttributesList()).get("db.client.connection.pool.name")))
        .contains(dbcpName)
        .doesNotContain("tomcat-h2");
  }

  private static void assertNoLiterals(ReceivedSpan span) {
    for (String text : List.of(span.name(), (String) span.attribute("db.query.text"))) {
      assertThat(text).doesNotContain("secret-literal-123").doesNotContain("98765");
    }
  }

  private static HistogramDataPoint durationPoint(List<ReceivedMetric> metrics, String system, String errorType) {
    HistogramDataPoint last = null;
    for (ReceivedMetric metric : metrics) {
      if (!metric.name().equals("db.client.operation.duration")) {
        continue;
      }
      for (HistogramDataPoint point : metric.histogramPoints()) {
        Map<String, Object> attributes = Otlp.attributes(point.getAttributesList());
        if (system.equals(attributes.get("db.system.name")) && java.util.Objects.equals(errorType, attributes.get("error.type"))
            && "SELECT".equals(attributes.get("db.operation.name"))
           ) {
          last = point;
        }
      }
    }
    return last;
  }

  /** {used, pending} of the newest collection that reported the pool, or {-1, -1}. */
  private static long[] latestPool(List<ReceivedMetric> metrics, String pool) {
    return new long[] {
        latestGauge(metrics, "db.client.connection.count", pool, "used"),
        latestGauge(metrics, "db.client.connection.pending_requests", pool, null)};
  }

  private static long latestGauge(List<ReceivedMetric> metrics, String name, String pool, String state) {
    long value = -1;
    long newest = -1;
    for (ReceivedMetric metric : metrics) {
      if (!metric.name().equals(name)) {
        continue;
      }
      for (NumberDataPoint point : metric.numberPoints()) {
        Map<String, Object> attributes = Otlp.attributes(point.getAttributesList());
        if (pool.equals(attributes.get("db.client.connection.pool.name"))
            && (state == null || state.equals(attributes.get("db.client.connection.state")))
            && point.getTimeUnixNano() >= newest) {
          newest = point.getTimeUnixNano();
          value = point.getAsInt();
        }
      }
    }
    return value;
  }

  private static long histogramCount(List<ReceivedMetric> metrics, String name, String pool) {
    long count = -1;
    for (ReceivedMetric metric : metrics) {
      if (!metric.name().equals(name)) {
        continue;
      }
      for (HistogramDataPoint point : metric.histogramPoints()) {
        if (pool.equals(Otlp.attributes(point.getAttributesList()).get("db.client.connection.pool.name"))) {
          count = Math.max(count, point.getCount());
        }
      }
    }
    return count;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
