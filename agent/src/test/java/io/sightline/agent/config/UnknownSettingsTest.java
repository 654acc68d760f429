package io.sightline.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UnknownSettingsTest {
  /** The project's root: tests run in the module's directory. */
  private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();
  private static final Pattern LITERAL = Pattern.compile("\"(sightline\\.[A-Za-z0-9._-]*)\"");
  /** A name given to a metric, not a setting: {@code counterBuilder("sightline.sampling.outcome.kept")}. */
  private static final Pattern METRIC_NAME = Pattern.compile("Builder\\(\\s*\"(sightline\\.[A-Za-z0-9._-]*)\"");
  private static final Pattern DOCUMENTED = Pattern.compile("`(sightline\\.[a-z0-9._<>-]+)(=[^`]*)?`");

  @Test
  void aMisspeltKeyIsNamedWithTheClosestKnownOne() {
    assertThat(UnknownSettings.warning(List.of("sightline.logs.jsn", "java.home"), List.of(), List.of()))
        .isEqualTo("unknown setting sightline.logs.jsn; did you mean sightline.logs.json?");
  }

  @Test
  void everySourceIsCheckedAndFarKeysGetNoSuggestion() {
    assertThat(UnknownSettings.warning(
        List.of("sightline.nothing.like.this"),
        List.of("SIGHTLINE_SHUTDOWN_TIMOUT", "SIGHTLINE_LOGS_JSON", "PATH"),
        List.of("sightline.otlp-file.pth", "otel.service.name")))
        .isEqualTo("unknown settings, ignored: sightline.nothing.like.this,"
            + " SIGHTLINE_SHUTDOWN_TIMOUT (environment; did you mean SIGHTLINE_SHUTDOWN_TIMEOUT?),"
            + " sightline.otlp-file.pth (configuration file; did you mean sightline.otlp-file.path?)");
    assertThat(UnknownSettings.warning(List.of("sightline.logs.jsn", "sightline.nothing.like.this"), List.of(), List.of()))
        .isEqualTo("unknown settings, ignored: sightline.logs.jsn (did you mean sightline.logs.json?),"
            + " sightline.nothing.like.this");
  }

  @Test
  void knownKeysPrefixedKeysAndOtherNamespacesAreQuiet() {
    assertThat(UnknownSettings.warning(
        List.of("sightline.logs.json", "sightline.metrics.buckets.jvm.gc.duration", "otel.instrumentation.jdbc.enabled",
            "otel.whatever"),
        List.of("SIGHTLINE_OTLP_FILE_PATH", "SIGHTLINE_METRICS_BUCKETS_HTTP_SERVER_REQUEST_DURATION", "OTEL_FOO"),
        List.of("sightline.sampling.keep-errors")))
        .isNull();
  }

  @Test
  void instrumentationSwitchesAreOtelKeys() {
    assertThat(UnknownSettings.warning(List.of("sightline.instrumentation.okhttp.enabled"), List.of(), List.of()))
        .isEqualTo("unknown setting sightline.instrumentation.okhttp.enabled;"
            + " did you mean otel.instrumentation.okhttp.enabled?");
    assertThat(UnknownSettings.warning(List.of(), List.of("SIGHTLINE_INSTRUMENTATION_JDBC_ENABLED"), List.of()))
        .isEqualTo("unknown setting SIGHTLINE_INSTRUMENTATION_JDBC_ENABLED (environment);"
            + " did you mean OTEL_INSTRUMENTATION_JDBC_ENABLED?");
  }

  @Test
  void misspeltBucketPrefixPointsAtThePrefix() {
    assertThat(UnknownSettings.warning(List.of("sightline.metric.buckets.jvm.gc.duration"), List.of(), List.of()))
        .isEqualTo("unknown setting sightline.metric.buckets.jvm.gc.duration;"
            + " did you mean sightline.metrics.buckets.<name>?");
  }

  /** A key the code reads that is missing from the list would be reported as unknown. */
  @Test
  void everySightlineKeyInTheMainSourcesIsKnown() throws IOException {
    Set<String> literals = fromMainSources(LITERAL);
    literals.removeAll(fromMainSources(METRIC_NAME));
    literals.remove("sightline."); // the namespace itself (the startup cache keys on all of it)
    assertThat(literals).isNotEmpty();
    for (String literal : literals) {
      if (literal.endsWith(".")) {
        assertThat(UnknownSettings.KNOWN_PREFIXES).as("prefix " + literal).contains(literal);
      } else {
        assertThat(UnknownSettings.KNOWN).as("key " + literal).contains(literal);
      }
    }
  }

  /** The reference and the list agree both ways: nothing documented is reported, nothing known is undocumented. */
  @Test
  void theConfigurationReferenceListsExactlyTheKnownKeys() throws IOException {
    String doc = new String(Files.readAllBytes(ROOT.resolve("docs/configuration.md")), StandardCharsets.UTF_8);
    Set<String> documented = new TreeSet<>();
    collect(DOCUMENTED, doc, documented);
    documented.removeAll(fromMainSources(METRIC_NAME));
    for (String name : documented) {
      assertThat(UnknownSettings.isKnown(name)).as(name + " in docs/configuration.md").isTrue();
    }
    assertThat(documented).containsAll(UnknownSettings.KNOWN);
    for (String prefix : UnknownSettings.KNOWN_PREFIXES) {
      assertThat(documented).anyMatch(name -> name.startsWith(prefix));
    }
  }

  private static Set<String> fromMainSources(Pattern pattern) throws IOException {
    Set<String> found = new TreeSet<>();
    for (String module : List.of("bootstrap", "instrumentation", "agent")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
          collect(pattern, new String(Files.readAllBytes(file), StandardCharsets.UTF_8), found);
        }
      }
    }
    return found;
  }

  @Test
  void distanceCountsEditsAndGivesUpBeyondThree() {
    assertThat(UnknownSettings.distance("sightline.logs.jsn", "sightline.logs.json")).isEqualTo(1);
    assertThat(UnknownSettings.distance("abcd", "abdc")).isEqualTo(2);
    assertThat(UnknownSettings.distance("same", "same")).isZero();
    assertThat(UnknownSettings.distance("sightline.a", "sightline.bcdefgh")).isEqualTo(4);
  }

  private static void collect(Pattern pattern, String text, Set<String> into) {
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      into.add(matcher.group(1));
    }
  }
}
