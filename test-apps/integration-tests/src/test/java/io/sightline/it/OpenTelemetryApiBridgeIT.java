package io.sightline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.sightline.testing.OtlpReceiver;
import io.sightline.testing.ReceivedSpan;
import io.sightline.testing.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@code opentelemetry-api} bridge: an application's own OpenTelemetry API, at two versions,
 * sees the agent's spans and makes spans in the agent's traces; an application that registers its
 * own SDK keeps working and nothing is exported twice.
 */
class OpenTelemetryApiBridgeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern BODY = Pattern.compile(
      "server=(\\w+)/(\\w+) order=(\\w+)/(\\w+) currentInside=(\\w+) after=(\\w+) traceparent=(\\S+)");
  private static OtlpReceiver receiver;

  @BeforeAll
  static void startReceiver() {
    receiver = OtlpReceiver.start();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @BeforeEach
  void reset() {
    receiver.reset();
  }

  private static TestApp start(String module, String... properties) {
    TestApp.Builder builder = TestApp.app(module)
        .exportTo(receiver)
        .property("otel.service.name", "bridge-it")
        .property("otel.metrics.exporter", "none");
    for (int i = 0; i < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    return builder.start();
  }

  private static ReceivedSpan named(List<ReceivedSpan> spans, String name) {
    List<ReceivedSpan> matching = spans.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(matching).as(name + " in " + spans).hasSize(1);
    return matching.get(0);
  }

  /** The acceptance trace: SERVER -> process_order (manual) -> executor and supplyAsync work, and more. */
  static void manualAndAutomaticSpansShareOneTrace(TestApp app) {
    String body = app.get("/manual?id=A-7").body();
    Matcher seen = BODY.matcher(body);
    assertThat(seen.matches()).as(body).isTrue();

    ReceivedSpan server = receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER, 1, WAIT).get(0);
    List<ReceivedSpan> trace = receiver.awaitSpans(s -> s.traceId().equals(server.traceId()), 7, WAIT);
    assertThat(trace).hasSize(7);
    // Span.current() in the handler was the agent's SERVER span, and the application could write to it.
    assertThat(seen.group(1)).isEqualTo(server.traceId());
    assertThat(seen.group(2)).isEqualTo(server.spanId());
    assertThat(server.attribute("app.tenant")).isEqualTo("acme");

    ReceivedSpan order = named(trace, "process_order");
    assertThat(order.kind()).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
    assertThat(order.parentSpanId()).isEqualTo(server.spanId());
    assertThat(order.scope().getName()).isEqualTo("com.example.manual");
    assertThat(order.scope().getVersion()).isEqualTo("1.0");
    assertThat(order.attributes()).containsExactly(entry("order.id", "A-7"));
    assertThat(seen.group(3) + "/" + seen.group(4)).isEqualTo(order.traceId() + "/" + order.spanId());
    assertThat(seen.group(5)).as("Span.current() inside makeCurrent()").isEqualTo(order.spanId());
    assertThat(seen.group(6)).as("Span.current() after the scope closed").isEqualTo(server.spanId());
    assertThat(seen.group(7)).as("the application's own W3C propagator")
        .matches("00-" + server.traceId() + "-" + order.spanId() + "-0[13]");

    for (String via : List.of("executor", "supplyAsync")) {
      List<ReceivedSpan> client = trace.stream().filter(s -> s.name().equals("downstream") && via.equals(s.attribute("via"))).toList();
      assertThat(client).as(via).hasSize(1);
      assertThat(client.get(0).kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(client.get(0).parentSpanId()).as(via).isEqualTo(order.spanId());
    }
    ReceivedSpan inventory = named(trace, "validate_inventory");
    assertThat(inventory.parentSpanId()).isEqualTo(order.spanId());
    assertThat(inventory.scope().getName()).isEqualTo("com.example.manual");

    ReceivedSpan charge = named(trace, "charge_payment");
    assertThat(charge.parentSpanId()).isEqualTo(order.spanId());
    assertThat(charge.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "amount.cents", 4200L,
        "payment.accepted", true,
        "code.function.name", "com.example.manual.ManualApp$Payments.charge"));
    ReceivedSpan ledger = named(trace, "ledger_write");
    assertThat(ledger.parentSpanId()).isEqualTo(charge.spanId());
    assertThat(ledger.span().getEventsList()).extracting(e -> e.getName()).containsExactly("written");
  }

  @Nested
  class CurrentApi {
    private TestApp app;

    @BeforeEach
    void start() {
      app = OpenTelemetryApiBridgeIT.start("otel-api-app");
    }

    @org.junit.jupiter.api.AfterEach
    void stop() {
      app.close();
    }

    @Test
    void manualSpansJoinTheAgentTrace() {
      manualAndAutomaticSpansShareOneTrace(app);
      assertThat(app.stderrLines()).noneMatch(l -> l.contains("Exception") || l.contains("WARN"));
    }

    /**
     * {@code InstrumentationUtil.suppressInstrumentation}, which the application's own SDK wraps its
     * exports in: the HTTP call made inside is not traced, the one after it is.
     */
    @Test
    void whatTheApplicationSuppressesIsNotTraced() {
      assertThat(app.get("/suppressed-call").body()).isEqualTo("called");
      ReceivedSpan outer = receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER
          && "/suppressed-call".equals(s.attribute("url.path")), 1, WAIT).get(0);
      List<ReceivedSpan> clients = receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT, 1, WAIT);
      receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER, 3, WAIT); // both inner requests
      clients = receiver.spans().stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT).toList();
      assertThat(clients).extracting(s -> (String) s.attribute("url.full"))
          .singleElement().satisfies(url -> assertThat(url).endsWith("/app-exported?suppressed=0"));
      assertThat(clients.get(0).parentSpanId()).isEqualTo(outer.spanId());
    }
  }

  @Nested
  class OldApi {
    private TestApp app;

    @BeforeEach
    void start() {
      app = OpenTelemetryApiBridgeIT.start("otel-api-old-app");
    }

    @org.junit.jupiter.api.AfterEach
    void stop() {
      app.close();
    }

    @Test
    void manualSpansJoinTheAgentTraceWithApi130() {
      manualAndAutomaticSpansShareOneTrace(app);
      assertThat(app.stderrLines()).noneMatch(l -> l.contains("Exception") || l.contains("WARN"));
    }
  }

  @Nested
  class ApplicationWithItsOwnSdk {
    private TestApp app;

    @BeforeEach
    void start() {
      app = OpenTelemetryApiBridgeIT.start("otel-api-app", "app.own-sdk", "true");
    }

    @org.junit.jupiter.api.AfterEach
    void stop() {
      app.close();
    }

    @Test
    void agentWinsForGlobalAndTheOwnSdkExportsOnlyItsOwnSpans() {
      // GlobalOpenTelemetry is the agent's even though the application registered its SDK.
      manualAndAutomaticSpansShareOneTrace(app);
      receiver.reset();

      String body = app.get("/sdk-span").body();
      assertThat(body).matches("sdk \\w{32}/\\w{16}");
      String sdkTrace = body.substring(4, 36);
      String sdkSpan = body.substring(37);
      ReceivedSpan server = receiver.awaitSpans(s -> s.kind() == SpanKind.SPAN_KIND_SERVER, 1, WAIT).get(0);
      ReceivedSpan audit = receiver.awaitSpans(s -> s.name().equals("audit"), 1, WAIT).get(0);
      // The SDK's span is a child of the agent's SERVER span, and the agent's @WithSpan a child of it.
      assertThat(sdkTrace).isEqualTo(server.traceId());
      assertThat(audit.traceId()).isEqualTo(server.traceId());
      assertThat(audit.parentSpanId()).isEqualTo(sdkSpan);

      // Each span is exported once: the SDK's by the application, everything else by the agent.
      assertThat(app.get("/app-exported").body()).isEqualTo("sdk_span " + sdkTrace + " " + server.spanId() + "\n");
      assertThat(receiver.spans()).noneMatch(s -> s.name().equals("sdk_span"));
      assertThat(app.stderrLines()).noneMatch(l -> l.contains("Exception") || l.contains("WARN"));
    }
  }
}
