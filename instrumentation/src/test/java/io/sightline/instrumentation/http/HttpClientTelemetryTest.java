package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sightline.instrumentation.api.Suppression;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpClientTelemetryTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private OpenTelemetrySdk sdk;
  private HttpClientTelemetry telemetry;
  private Span parent;

  @BeforeEach
  void setUp() {
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    telemetry = new HttpClientTelemetry(sdk, "test-client");
    parent = sdk.getTracer("test").spanBuilder("GET /call").setSpanKind(SpanKind.SERVER).startSpan();
  }

  @AfterEach
  void tearDown() {
    parent.end();
    sdk.close();
  }

  private Context parentContext() {
    return Context.root().with(parent);
  }

  @Test
  void clientSpanAttributesAndPropagationHeaders() {
    ClientCall call = telemetry.start(parentContext(), "GET", "http://u:p@api.test:8080/v1?token=x&a=1#f", 0);
    List<String> headers = telemetry.headers(call);
    telemetry.end(call, 200, null);

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("GET");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(span.getAttributes().asMap()).containsOnly(
        entry(AttributeKey.stringKey("http.request.method"), "GET"),
        entry(AttributeKey.stringKey("url.full"), "http://api.test:8080/v1?token=REDACTED&a=1"),
        entry(AttributeKey.stringKey("server.address"), "api.test"),
        entry(AttributeKey.longKey("server.port"), 8080L),
        entry(AttributeKey.longKey("http.response.status_code"), 200L));
    assertThat(headers).hasSize(2);
    assertThat(headers.get(0)).isEqualTo("traceparent");
    assertThat(headers.get(1)).startsWith("00-" + span.getTraceId() + "-" + span.getSpanId() + "-");
  }

  @Test
  void exceptionsAreUnwrappedAndStatusesOf400AndMoreAreErrors() {
    telemetry.end(telemetry.start(parentContext(), "GET", "http://a.test/x", 0), -1,
        new CompletionException(new SocketTimeoutException("Read timed out")));
    telemetry.end(telemetry.start(parentContext(), "POST", "http://a.test/y", 0), 404, null);

    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(finished.get(0).getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("java.net.SocketTimeoutException");
    assertThat(finished.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(finished.get(1).getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("404");
  }

  @Test
  void applicationRetriesAfterFailuresCountAsResendsButRepeatsAfterSuccessDoNot() {
    for (int i = 0; i < 3; i++) {
      telemetry.end(telemetry.start(parentContext(), "GET", "http://a.test/x", 0), 503, null);
    }
    telemetry.end(telemetry.start(parentContext(), "GET", "http://a.test/x", 0), 200, null);
    telemetry.end(telemetry.start(parentContext(), "GET", "http://a.test/x", 0), 200, null);
    telemetry.end(telemetry.start(parentContext(), "GET", "http://a.test/other", 0), 200, null);

    assertThat(spans.getFinishedSpanItems())
        .extracting(s -> s.getAttributes().get(AttributeKey.longKey("http.request.resend_count")))
        .containsExactly(null, 1L, 2L, 3L, null, null);
  }

  @Test
  void nothingStartsWhenSuppressedOrInsideAnotherClientSpan() {
    try (Scope ignored = parentContext().makeCurrent(); Scope suppressed = Suppression.suppress()) {
      assertThat(telemetry.start(Context.current(), "GET", "http://a.test/x", 0)).isNull();
    }
    ClientCall outer = telemetry.start(parentContext(), "GET", "http://a.test/x", 0);
    assertThat(telemetry.start(outer.context(), "GET", "http://a.test/x", 0)).isNull();
    telemetry.end(outer, 200, null);
    telemetry.end(outer, 500, null);
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void histogramHasNoUrl() {
    telemetry.end(telemetry.start(parentContext(), "GET", "http://a.test/secret/path?q=1", 0), 200, null);
    telemetry.end(telemetry.start(parentContext(), "GET", "http://a.test/secret/other", 0), 200, null);

    assertThat(metrics.collectAllMetrics()).singleElement().satisfies(metric -> {
      assertThat(metric.getName()).isEqualTo("http.client.request.duration");
      assertThat(metric.getUnit()).isEqualTo("s");
      assertThat(metric.getHistogramData().getPoints()).singleElement().satisfies(point -> {
        assertThat(point.getCount()).isEqualTo(2);
        assertThat(point.getAttributes().asMap()).containsOnly(
            entry(AttributeKey.stringKey("http.request.method"), "GET"),
            entry(AttributeKey.stringKey("server.address"), "a.test"),
            entry(AttributeKey.longKey("server.port"), 80L),
            entry(AttributeKey.longKey("http.response.status_code"), 200L));
      });
    });
  }
}
