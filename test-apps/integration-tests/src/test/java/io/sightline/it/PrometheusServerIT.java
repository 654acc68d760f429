package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus server (Debian's 2.42) scrapes the agent's endpoint on loopback; the latency
 * query of the dashboard and the alert rules answers one value per route, and exemplars are stored.
 */
class PrometheusServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String P99 =
      "histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket[1m])))";

  @Test
  void prometheusScrapesTheEndpointAndAnswersP99PerRoute() throws Exception {
    Path prometheus = Tools.require("prometheus");
    int metricsPort = Scrape.freePort();
    int webPort = Scrape.freePort();
    Path dir = Files.createTempDirectory("sightline-prometheus");
    Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: orders",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + metricsPort + "']",
        ""));
    Process server = null;
    AtomicBoolean loading = new AtomicBoolean(true);
    try (TestApp app = TestApp.app("jdk-http-server-app")
        .property("otel.logs.exporter", "none")
        .property("otel.traces.exporter", "none")
        .property("otel.metrics.exporter", "prometheus")
        .property("otel.exporter.prometheus.host", "127.0.0.1")
        .property("otel.exporter.prometheus.port", String.valueOf(metricsPort))
        .start()) {
      server = new ProcessBuilder(prometheus.toString(),
          "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + webPort,
          "--enable-feature=exemplar-storage")
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();
      Thread load = new Thread(() -> {
        int i = 0;
        while (loading.get() && i < 20_000) {
          app.tryGet("/hello");
          app.tryGet("/users/" + (i++));
          app.tryGet("/sleep?ms=20");
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "load");
      load.setDaemon(true);
      load.start();

      Set<String> expected = Set.of("/hello", "/users/{id}", "/sleep");
      JsonNode result = Wait.until(() -> query(webPort, P99), r -> routes(r).containsAll(expected),
          Duration.ofSeconds(90), "a p99 per route from Prometheus (log: " + dir.resolve("prometheus.log") + ")");
      assertThat(routes(result)).containsExactlyInAnyOrderElementsOf(expected);
      for (JsonNode series : result) {
        double p99 = Double.parseDouble(series.get("value").get(1).asText());
        assertThat(p99).as(series.toString()).isGreaterThan(0).isLessThanOrEqualTo(10);
      }

      // The scrape target is healthy and Prometheus kept exemplars with trace ids.
      JsonNode targets = get(webPort, "/api/v1/targets").get("data").get("activeTargets");
      assertThat(targets).hasSize(1);
      assertThat(targets.get(0).get("health").asText()).isEqualTo("up");
      assertThat(targets.get(0).get("lastError").asText()).isEmpty();
      long now = System.currentTimeMillis() / 1000;
      JsonNode exemplars = get(webPort, "/api/v1/query_exemplars?query="
          + URLEncoder.encode("http_server_request_duration_seconds_bucket", StandardCharsets.UTF_8)
          + "&start=" + (now - 300) + "&end=" + (now + 60)).get("data");
      assertThat(exemplars).isNotEmpty();
      assertThat(exemplars.get(0).get("exemplars").get(0).get("labels").get("trace_id").asText()).matches("[0-9a-f]{32}");
    } finally {
      loading.set(false);
      if (server != null) {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  private static Set<String> routes(JsonNode result) {
    Set<String> routes = new HashSet<>();
    for (JsonNode series : result) {
      String value = series.get("value").get(1).asText();
      if (!"NaN".equals(value)) {
        routes.add(series.get("metric").path("http_route").asText());
      }
    }
    return routes;
  }

  private static JsonNode query(int port, String promql) {
    try {
      return get(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("data").get("result");
    } catch (AssertionError e) {
      return JSON.createArrayNode(); // not up yet
    }
  }

  private static JsonNode get(int port, String pathAndQuery) {
    HttpResponse<String> response = Scrape.get(port, pathAndQuery, null);
    if (response.statusCode() != 200) {
      throw new AssertionError(pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
    }
    try {
      JsonNode json = JSON.readTree(response.body());
      assertThat(json.get("status").asText()).isEqualTo("success");
      return json;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
