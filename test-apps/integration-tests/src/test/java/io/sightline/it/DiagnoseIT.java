package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.testing.Project;
import io.sightline.testing.TestApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code java -jar sightline-agent.jar diagnose FILE} on what the otlp-file exporter wrote for a real app. */
class DiagnoseIT {
  @Test
  void diagnosesTheOtlpFileOfARealApp() throws Exception {
    Path dir = TestApp.tempDir("sightline-diagnose");
    TestApp app = TestApp.app("jdk-http-server-app").workDir(dir)
        .property("otel.traces.exporter", "otlp-file")
        .property("otel.metrics.exporter", "none")
        .property("otel.logs.exporter", "none")
        .property("otel.service.name", "diagnose-it")
        .start();
    try {
      // /sleep first: the very first request of a fresh JVM is slow too, and must not outrank it.
      for (int i = 0; i < 3; i++) {
        assertThat(app.get("/sleep?ms=300").statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(app.get("/hello").statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 2; i++) {
        assertThat(app.get("/status/500").statusCode()).isEqualTo(500);
      }
      // The span ends just after the response is written; give the server thread that moment.
      Thread.sleep(300);
    } finally {
      app.stop(); // the shutdown hook flushes the spans to the file
    }
    Path file = dir.resolve("sightline-telemetry.jsonl");
    assertThat(file).as(app.output()).exists();

    Run text = diagnose(file.toString());
    assertThat(text.exit).as(text.out + text.err).isZero();
    assertThat(text.err).isEmpty();
    List<String> lines = Arrays.asList(text.out.split("\\R"));
    int header = lines.indexOf("REQUESTS BY ROUTE (SERVER spans; nearest-rank percentiles)");
    assertThat(header).as(text.out).isPositive();
    assertThat(lines.get(header + 1)).matches(
        "  ROUTE +REQUESTS  ERRORS  ERROR RATE +P50 +P99 +MAX");
    // Slowest p99 first; durations vary from run to run (a loaded machine adds to them), counts and
    // error rates do not.
    String duration = "(\\d+(?:\\.\\d+)? (?:ms|s))";
    String sleepRow = lines.get(header + 2);
    assertThat(sleepRow).matches("  GET /sleep +3 +0 +0\\.0% +" + duration + " +" + duration + " +" + duration);
    String[] sleep = sleepRow.trim().split(" {2,}");
    assertThat(millis(sleep[4])).isBetween(300.0, 5000.0); // p50
    assertThat(millis(sleep[5])).isBetween(millis(sleep[4]), millis(sleep[6])); // p50 <= p99 <= max
    assertThat(lines.subList(header + 3, header + 5)).as(text.out).anySatisfy(
        l -> assertThat(l).matches("  GET /status/\\{id} +2 +2 +100\\.0% +" + duration + " +" + duration + " +" + duration));
    assertThat(lines.subList(header + 3, header + 5)).anySatisfy(
        l -> assertThat(l).matches("  GET /hello +10 +0 +0\\.0% +" + duration + " +" + duration + " +" + duration));

    // What the failed requests failed with: here the status code the JDK server reported as error.type.
    int failed = lines.indexOf("FAILED REQUESTS BY ROUTE");
    assertThat(failed).as(text.out).isGreaterThan(header);
    assertThat(lines.get(failed + 2)).matches("  GET /status/\\{id} +2 +500 \\(2 of 2\\)");

    String cause = "In the slowest request of GET /sleep, 100% of the time is spent in GET /sleep itself,"
        + " outside any child span (its own code: CPU, locks, sleeps, or calls that are not traced).";
    int top = lines.indexOf("TOP CAUSE");
    assertThat(top).as(text.out).isPositive();
    assertThat(lines.get(top + 1)).isEqualTo("  " + cause);
    assertThat(lines.get(top + 2)).matches("  Example traces: [0-9a-f]{32}");
    assertThat(lines).contains("SLOWEST REQUESTS OF GET /sleep: the slowest request, 1 of 3 requests, " + sleep[6]);

    Run json = diagnose("--json", file.toString());
    assertThat(json.exit).isZero();
    assertThat(json.out).contains("\"topCause\" : \"" + cause + "\"")
        .contains("\"topErrorType\" : \"500\"").contains("\"topErrorTypeCount\" : 2");

    Run missing = diagnose(dir.resolve("nothing-here.jsonl").toString());
    assertThat(missing.exit).isEqualTo(2);
    assertThat(missing.err).contains("nothing-here.jsonl: no such file");
  }

  /** "308 ms" or "1.25 s" in milliseconds. */
  private static double millis(String duration) {
    String[] parts = duration.split(" ");
    return Double.parseDouble(parts[0]) * ("s".equals(parts[1]) ? 1000 : 1);
  }

  private static final class Run {
    final int exit;
    final String out;
    final String err;

    Run(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }

  private static Run diagnose(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(Project.java(), "-jar", Project.agentJar().toString(), "diagnose"));
    command.addAll(Arrays.asList(args));
    Path err = Files.createTempFile("diagnose", ".err");
    Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out, Files.readString(err));
  }
}
