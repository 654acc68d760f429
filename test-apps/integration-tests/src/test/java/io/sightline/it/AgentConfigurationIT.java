package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings as PRODUCT.md section 2 defines them: precedence, kill switch, bad values. */
class AgentConfigurationIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void killSwitchInstallsNothingAndTheAppServes() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
            .property("otel.javaagent.enabled", "false").start()) {
      var response = app.get("/hello");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello");
      assertThat(response.headers().firstValue("X-Request-ID")).isEmpty();
      Thread.sleep(1500); // several export intervals
      assertThat(receiver.requestCount()).isZero();
      assertThat(app.stderrLines()).noneMatch(line -> line.startsWith("[sightline]"));
    }
  }

  @Test
  void oneInstrumentationCanBeSwitchedOff() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
            .property("otel.instrumentation.java-http-server.enabled", "false").start()) {
      assertThat(app.get("/hello").statusCode()).isEqualTo(200);
      Thread.sleep(1500);
      assertThat(receiver.spans()).isEmpty();
      // Other modules stay on; only the switched-off one is missing from the start line.
      assertThat(app.stderrLines()).anyMatch(line -> line.contains("instrumentations=[")
          && !line.contains("java-http-server"));
    }
  }

  /** Which instance, host and process: the resource says it, under what the configuration sets. */
  @Test
  void theResourceNamesTheInstanceHostAndProcess() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
         TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
             .property("otel.resource.attributes", "host.name=pinned-host")
             .property("otel.resource.disabled.keys", "os.description")
             .start()) {
      app.get("/hello");
      Map<String, Object> resource = receiver.awaitSpans(s -> true, 1, WAIT).get(0).resourceAttributes();
      assertThat((String) resource.get("service.instance.id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      assertThat(resource).containsEntry("process.pid", app.pid())
          .containsEntry("host.name", "pinned-host")
          .containsEntry("os.type", "linux")
          .containsEntry("telemetry.distro.name", "sightline")
          .containsKey("process.runtime.version")
          .containsKey("process.executable.path")
          .doesNotContainKey("os.description");
    }
  }

  @Test
  void systemPropertyBeatsEnvironmentWhichBeatsTheConfigurationFile() throws Exception {
    Path file = Files.createTempFile("sightline", ".properties");
    Files.writeString(file, "otel.service.name=from-file\notel.resource.attributes=deployment.environment.name=file-env\n");
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      try (TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
          .property("otel.javaagent.configuration-file", file.toString()).start()) {
        app.get("/hello");
        ReceivedSpan span = receiver.awaitSpans(s -> true, 1, WAIT).get(0);
        assertThat(span.resourceAttributes())
            .containsEntry("service.name", "from-file")
            .containsEntry("deployment.environment.name", "file-env");
      }
      receiver.reset();
      try (TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
          .env("OTEL_JAVAAGENT_CONFIGURATION_FILE", file.toString())
          .env("OTEL_SERVICE_NAME", "from-env").start()) {
        app.get("/hello");
        assertThat(receiver.awaitSpans(s -> true, 1, WAIT).get(0).resourceAttributes())
            .containsEntry("service.name", "from-env");
      }
      receiver.reset();
      try (TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
          .env("OTEL_JAVAAGENT_CONFIGURATION_FILE", file.toString())
          .env("OTEL_SERVICE_NAME", "from-env")
          .property("otel.service.name", "from-property").start()) {
        app.get("/hello");
        assertThat(receiver.awaitSpans(s -> true, 1, WAIT).get(0).resourceAttributes())
            .containsEntry("service.name", "from-property");
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void malformedValuesWarnOnceEachAndTheAppKeepsServingAndExporting() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
            .property("otel.bsp.schedule.delay", "abc")
            .property("otel.traces.sampler", "nonsense")
            .property("otel.exporter.otlp.traces.endpoint", ":::")
            .property("otel.instrumentation.java-http-server.enabled", "maybe")
            .start()) {
      assertThat(app.get("/hello").statusCode()).isEqualTo(200);
      List<String> warnings = app.stderrLines().stream().filter(l -> l.startsWith("[sightline] WARN")).toList();
      assertThat(warnings).containsExactlyInAnyOrder(
          "[sightline] WARN invalid value for otel.bsp.schedule.delay: 'abc'; using 5000ms",
          "[sightline] WARN invalid value for otel.traces.sampler: 'nonsense'; using parentbased_always_on",
          "[sightline] WARN invalid value for otel.exporter.otlp.traces.endpoint: ':::'; using "
              + receiver.endpoint() + "/v1/traces",
          "[sightline] WARN invalid value for otel.instrumentation.java-http-server.enabled: 'maybe' is not true or false; using true");
      // The fallbacks are in force: spans still reach the receiver through the general endpoint.
      ReceivedSpan span = receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, Duration.ofSeconds(30)).get(0);
      assertThat(span.name()).isEqualTo("GET /hello");
    }
  }

  /** Values the SDK would refuse, stopping all telemetry: each is replaced, with one warning naming it. */
  @Test
  void valuesTheSdkWouldRefuseAreReplacedAndTelemetryFlows() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
            .property("otel.metric.export.interval", "0")
            .property("otel.metric.export.timeout", "99999999999999999999")
            .property("sightline.telemetry.drop-warning-interval", "0")
            .property("otel.exporter.otlp.headers", "garbage")
            .property("otel.traces.sampler", "traceidratio")
            .property("otel.traces.sampler.arg", "NaN")
            .start()) {
      assertThat(app.get("/hello").statusCode()).isEqualTo(200);
      ReceivedSpan span = receiver.awaitSpans(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER, 1, WAIT).get(0);
      assertThat(span.name()).isEqualTo("GET /hello");
      List<String> warnings = app.stderrLines().stream().filter(l -> l.startsWith("[sightline] WARN")).toList();
      assertThat(warnings).containsExactlyInAnyOrder(
          "[sightline] WARN invalid value for otel.metric.export.interval: '0'; using 60000ms",
          "[sightline] WARN invalid value for otel.metric.export.timeout: '99999999999999999999'; using 30000ms",
          "[sightline] WARN invalid value for sightline.telemetry.drop-warning-interval: '0ms'; using 60000ms",
          "[sightline] WARN invalid value for otel.exporter.otlp.headers: 1 of 1 entries are not key=value; they are left out",
          "[sightline] WARN invalid value for otel.traces.sampler.arg: 'NaN'; using 1.0");
    }
  }

  @Test
  void grpcProtocolIsExplainedAndHttpIsUsed() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TestApp app = TestApp.app("jdk-http-server-app").exportTo(receiver)
            .property("otel.exporter.otlp.protocol", "grpc").start()) {
      app.get("/hello");
      assertThat(app.stderrLines()).anyMatch(l -> l.startsWith("[sightline] WARN unsupported value for otel.exporter.otlp.protocol: 'grpc'; using http/protobuf"));
      assertThat(receiver.awaitSpans(s -> true, 1, WAIT)).isNotEmpty();
    }
  }
}
