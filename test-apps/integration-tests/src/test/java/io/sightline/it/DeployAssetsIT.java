package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.Project;
import io.sightline.testing.TestApp;
import io.sightline.testing.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What ships under deploy/: the Prometheus alert rules (checked and unit-tested with promtool) and
 * the Grafana dashboard, whose every expression must name metrics the agent emits.
 */
class DeployAssetsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The HTTP client instrumentation's histogram: no test app here makes outgoing HTTP calls. */
  private static final Set<String> OTHER_INSTRUMENTATIONS = Set.of("http_client_request_duration_seconds_bucket");
  private static final Set<String> PROMQL_WORDS = Set.of(
      "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan");
  private static final Pattern NAME_REGEX = Pattern.compile("__name__=~\"([^\"]*)\"");

  private static Path deploy;
  private static Set<String> emitted;

  @BeforeAll
  static void collectEmittedMetricNames() {
    deploy = Project.root().resolve("deploy");
    int metricsPort = Scrape.freePort();
    try (OtlpReceiver receiver = OtlpReceiver.start();
         // JDBC and HikariCP behind the JDK HTTP server: server, database, pool, JVM and SDK metrics.
         TestApp app = TestApp.app("jdbc-app")
             .exportTo(receiver)
             // A small heap makes a collection certain before the scrape: the dashboard's GC panels
             // name jvm_gc_duration, which exists only once a collection has been reported.
             .jvmArg("-Xmx64m")
             // A ratio sampler (at 1, so every trace is sampled) for the outcome buffer's counters,
             // which exist only where outcome-aware keeping applies.
             .property("otel.traces.sampler", "parentbased_traceidratio")
             .property("otel.traces.sampler.arg", "1")
             .property("otel.metrics.exporter", "prometheus")
             .property("otel.exporter.prometheus.host", "127.0.0.1")
             .property("otel.exporter.prometheus.port", String.valueOf(metricsPort))
             .start()) {
      app.get("/h2/literal");
      app.get("/h2/error");
      receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 2, Duration.ofSeconds(30));
      Scrape scrape = Wait.until(() -> Scrape.text(metricsPort),
          s -> s.names().containsAll(List.of("otel_sdk_processor_span_processed_span_total",
              "db_client_connection_wait_time_seconds_bucket", "db_client_operation_duration_seconds_bucket",
              "http_server_request_duration_seconds_bucket", "jvm_gc_duration_seconds_sum",
              "sightline_sampling_outcome_evicted_total")),
          Duration.ofSeconds(30), "server, database, pool, span processor and GC metrics");
      emitted = scrape.names();
    }
  }

  @Test
  void alertRulesPassPromtoolCheckAndUnitTests() {
    String promtool = Tools.require("promtool").toString();
    Tools.Result check = Tools.run(null, deploy.resolve("prometheus"), promtool, "check", "rules", "alerts.yml");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 7 rules found");
    Tools.Result test = Tools.run(null, deploy.resolve("prometheus"), promtool, "test", "rules", "alerts_test.yml");
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasSummaryDescriptionRunbookAndATest() throws Exception {
    String rules = Files.readString(deploy.resolve("prometheus/alerts.yml"));
    String tests = Files.readString(deploy.resolve("prometheus/alerts_test.yml"));
    List<String> alerts = new ArrayList<>();
    Matcher m = Pattern.compile("- alert: (\\S+)").matcher(rules);
    while (m.find()) {
      alerts.add(m.group(1));
    }
    assertThat(alerts).containsExactly("SightlineHttpServerErrorRateHigh", "SightlineHttpServerLatencyP99High",
        "SightlineDbConnectionPoolSaturated", "SightlineDbConnectionPendingRequestsGrowing", "SightlineTelemetryDropped",
        "SightlineOutcomeBufferOverflowing");
    String[] blocks = rules.split("- alert: ");
    for (int i = 1; i < blocks.length; i++) {
      assertThat(blocks[i]).as(alerts.get(i - 1)).contains("summary:", "description:", "runbook:");
    }
    for (String alert : alerts) {
      // Each alert is tested both ways: an eval with exp_alerts: [] and one with an expected alert.
      Pattern firing = Pattern.compile("alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels");
      Pattern silent = Pattern.compile("alertname: " + alert + "\\s+exp_alerts: \\[\\]");
      assertThat(firing.matcher(tests).find()).as(alert + " fires in a test").isTrue();
      assertThat(silent.matcher(tests).find()).as(alert + " stays silent in a test").isTrue();
    }
  }

  @Test
  void dashboardIsValidJsonWithRedPoolAndJvmPanelsAndExemplars() throws Exception {
    JsonNode dashboard = JSON.readTree(deploy.resolve("grafana/sightline-dashboard.json").toFile());
    List<String> rows = new ArrayList<>();
    int exemplarTargets = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      if ("row".equals(panel.get("type").asText())) {
        rows.add(panel.get("title").asText());
      }
      for (JsonNode target : panel.path("targets")) {
        if (target.path("exemplar").asBoolean(false)) {
          exemplarTargets++;
        }
      }
    }
    assertThat(rows).containsExactly("HTTP server (RED)", "Connection pools", "JVM");
    assertThat(exemplarTargets).isGreaterThanOrEqualTo(4);
    assertThat(dashboard.get("uid").asText()).isEqualTo("sightline-overview");
  }

  @Test
  void everyExpressionNamesMetricsWeEmit() throws Exception {
    List<String> expressions = new ArrayList<>();
    JsonNode dashboard = JSON.readTree(deploy.resolve("grafana/sightline-dashboard.json").toFile());
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.get("expr").asText());
      }
    }
    assertThat(expressions).hasSizeGreaterThan(15);
    String rules = Files.readString(deploy.resolve("prometheus/alerts.yml"));
    Set<String> recorded = new LinkedHashSet<>();
    Matcher record = Pattern.compile("- record: (\\S+)").matcher(rules);
    while (record.find()) {
      recorded.add(record.group(1));
    }
    Matcher expr = Pattern.compile("expr: >\\n((?:\\s{10,}.*\\n)+)").matcher(rules);
    while (expr.find()) {
      expressions.add(expr.group(1));
    }
    assertThat(expressions).hasSizeGreaterThan(20);

    Set<String> known = new LinkedHashSet<>(emitted);
    known.addAll(OTHER_INSTRUMENTATIONS);
    known.addAll(recorded);
    for (String expression : expressions) {
      Set<String> names = metricNames(expression);
      Matcher regex = NAME_REGEX.matcher(expression);
      boolean hasRegex = false;
      while (regex.find()) {
        hasRegex = true;
        Pattern pattern = Pattern.compile(regex.group(1));
        assertThat(emitted).as("a metric matching " + regex.group(1) + " in " + expression)
            .anyMatch(n -> pattern.matcher(n).matches());
      }
      assertThat(hasRegex || !names.isEmpty()).as("names a metric: " + expression).isTrue();
      assertThat(known).as("metrics of " + expression).containsAll(names);
    }
  }

  /** The metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
  static Set<String> metricNames(String promql) {
    String s = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // label values
        .replaceAll("\\{[^}]*}", "") // label matchers
        .replaceAll("\\[[^]]*]", "") // range selectors
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "") // label lists
        .replaceAll("offset\\s+\\w+", "");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(s);
    while (m.find()) {
      String token = m.group();
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean function = next < s.length() && s.charAt(next) == '(';
      boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!function && !number && !PROMQL_WORDS.contains(token.toLowerCase())) {
        names.add(token);
      }
    }
    return names;
  }
}
