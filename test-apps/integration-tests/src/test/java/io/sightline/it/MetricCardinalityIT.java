package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Route normalisation and the cardinality guard, seen from a Prometheus scrape. */
class MetricCardinalityIT {
  private static final String DURATION_COUNT = "http_server_request_duration_seconds_count";

  private static TestApp.Builder app(int metricsPort) {
    return TestApp.app("jdk-http-server-app")
        .property("otel.traces.exporter", "none")
        .property("otel.logs.exporter", "none")
        .property("otel.metrics.exporter", "prometheus")
        .property("otel.exporter.prometheus.host", "127.0.0.1")
        .property("otel.exporter.prometheus.port", String.valueOf(metricsPort));
  }

  /** Sends every path, a few at a time, and checks each answered. */
  private static void requestAll(TestApp app, List<String> paths) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (String path : paths) {
        results.add(pool.submit(() -> app.get(path).statusCode()));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void threeThousandDistinctRawPathsYieldFewerThanFiftyRoutes() throws Exception {
    int metricsPort = Scrape.freePort();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      switch (i % 6) {
        case 0 -> paths.add("/users/" + (100000 + i));
        case 1 -> paths.add("/users/" + UUID.nameUUIDFromBytes(("u" + i).getBytes()));
        case 2 -> paths.add("/users/" + i + "/orders/" + (i * 7));
        case 3 -> paths.add("/hello/" + Integer.toHexString(0x10000000 + i * 31) + "abcdef");
        case 4 -> paths.add("/users/ord-" + (20000 + i));
        default -> paths.add("/hello/files/" + "tok" + i + "x0y1z2w3v4u5t6s7");
      }
    }
    assertThat(Set.copyOf(paths)).hasSize(3000);
    try (TestApp app = app(metricsPort).start()) {
      requestAll(app, paths);
      Scrape scrape = Wait.until(() -> Scrape.text(metricsPort),
          s -> s.named(DURATION_COUNT).stream().mapToDouble(Scrape.Sample::value).sum() >= 3000,
          Duration.ofSeconds(30), "3000 requests counted");
      Set<String> routes = scrape.labelValues(DURATION_COUNT, "http_route");
      assertThat(routes).hasSizeLessThan(50);
      assertThat(routes).containsExactlyInAnyOrder(
          "/users/{id}", "/users/{id}/orders/{id}", "/hello/{id}", "/hello/files/{id}");
      assertThat(scrape.body).doesNotContain("otel_metric_overflow");
    }
  }

  @Test
  void limitOfOneHundredFoldsFiveHundredAttributeSetsIntoOneOverflowSeries() throws Exception {
    int metricsPort = Scrape.freePort();
    // Letters-only segments are not identifiers, so each path is its own route: 500 attribute sets.
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      paths.add("/hello/" + (char) ('a' + i / 26 / 26 % 26) + (char) ('a' + i / 26 % 26) + (char) ('a' + i % 26));
    }
    try (TestApp app = app(metricsPort)
        .property("sightline.metrics.cardinality-limit", "100")
        .property("sightline.metrics.buckets.http.server.request.duration", "0.05, 0.5, 5")
        .start()) {
      requestAll(app, paths);
      Scrape scrape = Wait.until(() -> Scrape.text(metricsPort),
          s -> s.named(DURATION_COUNT).stream().mapToDouble(Scrape.Sample::value).sum() >= 500,
          Duration.ofSeconds(30), "500 requests counted");
      List<Scrape.Sample> series = scrape.named(DURATION_COUNT);
      assertThat(series).hasSizeLessThanOrEqualTo(101);
      List<Scrape.Sample> overflow = series.stream().filter(s -> "true".equals(s.label("otel_metric_overflow"))).toList();
      assertThat(overflow).hasSize(1);
      assertThat(overflow.get(0).label("http_route")).isNull();
      // Every request is still counted, in its own series or in the overflow one.
      assertThat(series.stream().mapToDouble(Scrape.Sample::value).sum()).isEqualTo(500.0);

      // The bucket setting applies: le is exactly the configured boundaries.
      assertThat(scrape.labelValues("http_server_request_duration_seconds_bucket", "le"))
          .containsExactlyInAnyOrder("0.05", "0.5", "5.0", "+Inf");

      List<String> warnings = Wait.until(() -> app.stderrLines().stream()
              .filter(l -> l.contains("cardinality limit")).toList(), w -> !w.isEmpty(),
          Duration.ofSeconds(10), "the overflow warning");
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).startsWith("[sightline] WARN metric http.server.request.duration reached the cardinality limit of 100 series");
      Scrape.text(metricsPort); // a second collection warns no more
      // ... and the SDK's own (repeated) overflow log lines are not shown next to ours.
      assertThat(app.stderrLines().stream().filter(l -> l.contains("cardinality"))).hasSize(1);
    }
  }
}
