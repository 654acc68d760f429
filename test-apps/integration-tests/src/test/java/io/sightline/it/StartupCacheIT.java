package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code sightline.startup.cache.dir}: a first start records what the transformer did, a second
 * start with the same agent and settings takes its woven classes from the file, without Byte Buddy
 * transforming them, and traces the same as the first.
 */
class StartupCacheIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static PostgresServer postgres;
  private static OtlpReceiver receiver;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.start();
    receiver = OtlpReceiver.start();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static TestApp startApp(Path cacheDir) {
    return TestApp.app("jdbc-app")
        .exportTo(receiver)
        .property("otel.service.name", "startup-cache-it")
        .property("otel.javaagent.debug", "true")
        .property("sightline.startup.cache.dir", cacheDir.toString())
        .property("app.pg.url", postgres.jdbcUrl())
        .property("app.pg.user", PostgresServer.USER)
        .start();
  }

  /** The SERVER span of one request and the JDBC span under it, as their name and attributes. */
  private static List<Map<String, Object>> traceOf(TestApp app, String path) {
    receiver.reset();
    assertThat(app.get(path).body()).isEqualTo("found 98765");
    ReceivedSpan server = receiver.awaitSpans(
        s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER && path.equals(s.attribute("url.path")), 1, WAIT).get(0);
    ReceivedSpan client = receiver.awaitSpans(
        s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT && s.traceId().equals(server.traceId()), 1, WAIT).get(0);
    assertThat(client.parentSpanId()).isEqualTo(server.spanId());
    return List.of(Map.of("name", server.name(), "attributes", without(server.attributes(), "request.id",
        "client.address", "server.port")), Map.of("name", client.name(), "attributes", client.attributes()));
  }

  private static Map<String, Object> without(Map<String, Object> attributes, String... keys) {
    Map<String, Object> copy = new java.util.HashMap<>(attributes);
    for (String key : keys) {
      copy.remove(key);
    }
    return copy;
  }

  private static List<String> transformedLines(TestApp app) {
    return Stream.concat(app.stdoutLines().stream(), app.stderrLines().stream())
        .filter(line -> line.contains("DEBUG transformed "))
        .collect(Collectors.toList());
  }

  private static List<Path> cacheFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".bin")).collect(Collectors.toList());
    }
  }

  @Test
  void aSecondStartTakesTheWovenClassesFromTheCacheAndTracesTheSame() throws IOException {
    Path cacheDir = TestApp.tempDir("startup-cache");

    List<Map<String, Object>> first;
    List<String> transformedFirst;
    try (TestApp app = startApp(cacheDir)) {
      first = traceOf(app, "/h2/literal");
      transformedFirst = transformedLines(app);
      assertThat(app.output()).contains("startup cache: no ");
      app.stop(); // the shutdown hook writes the file
    }
    // The weaver wove H2's and HikariCP's JDBC classes on the cold start (and recorded them).
    assertThat(transformedFirst).contains("[sightline] DEBUG transformed org.h2.jdbc.JdbcPreparedStatement (jdbc)",
        "[sightline] DEBUG transformed com.zaxxer.hikari.pool.HikariProxyConnection (jdbc)");
    assertThat(cacheFiles(cacheDir)).hasSize(1);

    try (TestApp app = startApp(cacheDir)) {
      List<Map<String, Object>> second = traceOf(app, "/h2/literal");
      assertThat(second).isEqualTo(first);
      // (Read while the app runs: what a process prints as it exits may be lost by the pipe.)
      String output = app.output();
      assertThat(output).containsPattern("startup cache: [1-9][0-9]* classes in ");
      // The same classes came from the cache: Byte Buddy transformed none of them itself.
      assertThat(transformedLines(app)).as(output)
          .contains("[sightline] DEBUG transformed org.h2.jdbc.JdbcPreparedStatement (from the startup cache)")
          .contains("[sightline] DEBUG transformed com.zaxxer.hikari.pool.HikariProxyConnection (from the startup cache)")
          .noneMatch(line -> line.contains("org.h2.jdbc.JdbcPreparedStatement (jdbc)"))
          .noneMatch(line -> line.contains("com.zaxxer.hikari.pool.HikariProxyConnection (jdbc)"));
      assertThat(output).doesNotContain("[sightline] WARN");
    }
  }

  @Test
  void aCorruptCacheFileIsAColdStart() throws IOException {
    Path cacheDir = TestApp.tempDir("startup-cache-corrupt");
    try (TestApp app = startApp(cacheDir)) {
      traceOf(app, "/h2/literal");
      app.stop();
    }
    Path file = cacheFiles(cacheDir).get(0);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(file, bytes);

    try (TestApp app = startApp(cacheDir)) {
      assertThat(traceOf(app, "/h2/literal")).hasSize(2);
      assertThat(app.output()).containsPattern("startup cache: \\S+ not used: ");
      assertThat(transformedLines(app)).contains("[sightline] DEBUG transformed org.h2.jdbc.JdbcPreparedStatement (jdbc)");
    }
  }
}
