package io.sightline.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutcomeSamplingTest {
  /** What the export processor was handed, as the exporter sees it. */
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private SdkTracerProvider provider;
  private OutcomeBuffer buffer;

  private Tracer tracer(Sampler configured, OutcomeSampling outcomes) {
    return tracer(configured, "parentbased_traceidratio", outcomes);
  }

  private Tracer tracer(Sampler configured, String samplerName, OutcomeSampling outcomes) {
    Object processor = outcomes.processor(SimpleSpanProcessor.create(exporter), samplerName);
    if (processor instanceof OutcomeBuffer) {
      buffer = (OutcomeBuffer) processor;
    }
    provider = SdkTracerProvider.builder()
        .setSampler(outcomes.sampler(configured, samplerName))
        .addSpanProcessor((io.opentelemetry.sdk.trace.SpanProcessor) processor)
        .build();
    return provider.get("test");
  }

  /** Keeps errors, and traces of 100 ms or more; the configured sampler drops every new trace. */
  private Tracer keepingTracer() {
    return tracer(Sampler.parentBased(Sampler.alwaysOff()),
        new OutcomeSampling(true, TimeUnit.MILLISECONDS.toNanos(100), 2048));
  }

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  private List<String> names() {
    return exporter.getFinishedSpanItems().stream().map(SpanData::getName).collect(Collectors.toList());
  }

  @Test
  void aDroppedTraceThatEndsWellIsNotExported() {
    Tracer tracer = keepingTracer();
    Span root = tracer.spanBuilder("GET /ok").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("SELECT").startSpan().end();
    }
    root.end();

    assertThat(root.getSpanContext().isSampled()).isFalse();
    assertThat(root.isRecording()).isFalse(); // ended
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aDroppedTraceWhoseRootEndsInErrorIsExportedWholeAndSampled() {
    Tracer tracer = keepingTracer();
    Span root = tracer.spanBuilder("GET /fails").startSpan();
    assertThat(root.isRecording()).isTrue();
    assertThat(root.getSpanContext().isSampled()).isFalse();
    Span child;
    try (Scope ignored = root.makeCurrent()) {
      child = tracer.spanBuilder("SELECT").startSpan();
      assertThat(child.isRecording()).isTrue();
      child.end();
      tracer.spanBuilder("GET downstream").startSpan().end();
    }
    root.setStatus(StatusCode.ERROR, "boom");
    root.end();

    assertThat(names()).containsExactly("SELECT", "GET downstream", "GET /fails");
    for (SpanData span : exporter.getFinishedSpanItems()) {
      assertThat(span.getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
      assertThat(span.getSpanContext().isSampled()).isTrue();
      // Sampled, with the flags the trace had besides (the SDK's random-trace-id bit).
      assertThat(span.getSpanContext().getTraceFlags().asByte())
          .isEqualTo((byte) (root.getSpanContext().getTraceFlags().asByte() | TraceFlags.getSampled().asByte()));
    }
    assertThat(root.getSpanContext().getTraceFlags().asByte() & ~1).as("the SDK sets more than the sampled bit").isNotZero();
    List<SpanData> exported = exporter.getFinishedSpanItems();
    SpanData select = exported.get(0);
    assertThat(select.getSpanId()).isEqualTo(child.getSpanContext().getSpanId());
    assertThat(select.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(exported.get(2).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(buffer.keptCount()).isEqualTo(3);
  }

  @Test
  void aDroppedTraceWhoseRootRanSlowIsExported() {
    Tracer tracer = keepingTracer();
    Span fast = tracer.spanBuilder("GET /fast").setStartTimestamp(1_000, TimeUnit.MILLISECONDS).startSpan();
    fast.end(1_099, TimeUnit.MILLISECONDS);
    Span slow = tracer.spanBuilder("GET /slow").setStartTimestamp(2_000, TimeUnit.MILLISECONDS).startSpan();
    slow.end(2_100, TimeUnit.MILLISECONDS);

    assertThat(names()).containsExactly("GET /slow");
  }

  @Test
  void aSpanEndingAfterItsRootFollowsTheRootsDecision() {
    Tracer tracer = keepingTracer();
    Span failed = tracer.spanBuilder("GET /fails").startSpan();
    Span lateOfFailed = tracer.spanBuilder("async").setParent(Context.current().with(failed)).startSpan();
    failed.setStatus(StatusCode.ERROR);
    failed.end();
    Span fine = tracer.spanBuilder("GET /ok").startSpan();
    Span lateOfFine = tracer.spanBuilder("async").setParent(Context.current().with(fine)).startSpan();
    fine.end();

    lateOfFailed.end();
    lateOfFine.end();

    assertThat(names()).containsExactly("GET /fails", "async");
    assertThat(exporter.getFinishedSpanItems().get(1).getTraceId()).isEqualTo(failed.getSpanContext().getTraceId());
  }

  @Test
  void aTraceAnUpstreamDidNotSampleIsKeptOnErrorWithItsRemoteParent() {
    Tracer tracer = keepingTracer();
    SpanContext upstream = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
        TraceFlags.getDefault(), TraceState.getDefault());
    Span root = tracer.spanBuilder("POST /orders").setParent(Context.root().with(Span.wrap(upstream))).startSpan();
    root.setStatus(StatusCode.ERROR);
    root.end();

    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    SpanData kept = exporter.getFinishedSpanItems().get(0);
    assertThat(kept.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(kept.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(kept.getParentSpanContext().isRemote()).isTrue();
  }

  @Test
  void whatTheSamplerSamplesIsExportedOnceAndAsItWas() {
    Tracer tracer = tracer(Sampler.alwaysOn(), new OutcomeSampling(true, 0, 2048));
    Span root = tracer.spanBuilder("GET /ok").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("SELECT").startSpan().end();
    }
    root.end();

    assertThat(names()).containsExactly("SELECT", "GET /ok");
    assertThat(buffer.keptCount()).isZero();
  }

  @Test
  void offWhenNeitherErrorsNorSlowTracesAreKept() {
    OutcomeSampling off = new OutcomeSampling(false, 0, 2048);
    Sampler configured = Sampler.parentBased(Sampler.alwaysOff());
    assertThat(off.enabled()).isFalse();
    assertThat(off.sampler(configured, "parentbased_traceidratio")).isSameAs(configured);
    assertAFailedRequestIsNeitherRecordedNorExported(tracer(configured, off));
  }

  private void assertAFailedRequestIsNeitherRecordedNorExported(Tracer tracer) {
    Span root = tracer.spanBuilder("GET /fails").startSpan();
    assertThat(root.isRecording()).isFalse();
    root.setStatus(StatusCode.ERROR);
    root.end();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void samplersThatAreNotRatiosAreLeftAsTheyAre() {
    OutcomeSampling outcomes = new OutcomeSampling(true, TimeUnit.MILLISECONDS.toNanos(1), 2048);
    assertThat(outcomes.appliesTo("traceidratio")).isTrue();
    assertThat(outcomes.appliesTo("parentbased_traceidratio")).isTrue();
    for (String name : List.of("always_off", "parentbased_always_off", "always_on", "parentbased_always_on")) {
      assertThat(outcomes.appliesTo(name)).as(name).isFalse();
    }
    assertAFailedRequestIsNeitherRecordedNorExported(tracer(Sampler.alwaysOff(), "always_off", outcomes));
  }

  @Test
  void spansWaitingForRootsThatNeverEndAreBounded() {
    Tracer tracer = tracer(Sampler.parentBased(Sampler.alwaysOff()), new OutcomeSampling(true, 0, 64));
    for (int i = 0; i < 1_000; i++) {
      Span root = tracer.spanBuilder("never ends").startSpan();
      tracer.spanBuilder("child").setParent(Context.root().with(root)).startSpan().end();
    }
    // 64 spans may wait (four per stripe); everything past that was let go.
    assertThat(buffer.evictedCount()).isGreaterThanOrEqualTo(1_000 - 64);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void everySpanOfAFullBufferIsEitherExportedOrCountedAsLetGo() {
    Tracer tracer = tracer(Sampler.parentBased(Sampler.alwaysOff()), new OutcomeSampling(true, 0, 64));
    List<Span> roots = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Span root = tracer.spanBuilder("GET /fails").startSpan();
      roots.add(root);
      for (int child = 0; child < 3; child++) {
        tracer.spanBuilder("child").setParent(Context.root().with(root)).startSpan().end();
      }
    }
    for (Span root : roots) {
      root.setStatus(StatusCode.ERROR);
      root.end();
    }
    // 500 roots and 1,500 children: each root is exported; each child is exported with it or was let go.
    assertThat(buffer.evictedCount()).isGreaterThan(0);
    assertThat(exporter.getFinishedSpanItems().size() + buffer.evictedCount()).isEqualTo(2_000);
    assertThat(buffer.keptCount()).isEqualTo(exporter.getFinishedSpanItems().size());
  }

  @Test
  void countsWhatItKeptAndLetGoAsMetrics() {
    OutcomeSampling outcomes = new OutcomeSampling(true, 0, 64);
    Tracer tracer = tracer(Sampler.parentBased(Sampler.alwaysOff()), outcomes);
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      outcomes.registerMetrics(meters.get("io.sightline.sampling"));
      for (int i = 0; i < 100; i++) {
        Span stuck = tracer.spanBuilder("never ends").startSpan();
        // Waits for a root that never ends, until the full buffer lets it go.
        tracer.spanBuilder("waits").setParent(Context.root().with(stuck)).startSpan().end();
        Span root = tracer.spanBuilder("GET /fails").startSpan();
        tracer.spanBuilder("child").setParent(Context.root().with(root)).startSpan().end();
        root.setStatus(StatusCode.ERROR);
        root.end();
      }
      Map<String, Long> counts = reader.collectAllMetrics().stream().collect(Collectors.toMap(
          MetricData::getName, m -> m.getLongSumData().getPoints().iterator().next().getValue()));
      assertThat(counts).containsOnlyKeys("sightline.sampling.outcome.kept", "sightline.sampling.outcome.evicted");
      assertThat(counts.get("sightline.sampling.outcome.kept"))
          .isEqualTo(buffer.keptCount()).isEqualTo(exporter.getFinishedSpanItems().size()).isPositive();
      assertThat(counts.get("sightline.sampling.outcome.evicted")).isEqualTo(buffer.evictedCount())
          .isEqualTo(outcomes.spansLetGo()).isGreaterThanOrEqualTo(100 - 64);
    }
  }

  @Test
  void exemplarsLeadOnlyToTracesThatAreExported() {
    OutcomeSampling outcomes = new OutcomeSampling(true, 0, 2048);
    Tracer tracer = tracer(Sampler.parentBased(Sampler.alwaysOff()), outcomes);
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    AttributeKey<String> step = AttributeKey.stringKey("step");
    try (SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader)
        .setExemplarFilter(outcomes.exemplarFilter()).build()) {
      DoubleHistogram duration = meters.get("test").histogramBuilder("duration").build();
      Span failed = tracer.spanBuilder("GET /fails").startSpan();
      Context failedContext = Context.root().with(failed);
      duration.record(0.1, Attributes.of(step, "failed, before its root ended"), failedContext);
      failed.setStatus(StatusCode.ERROR);
      failed.end();
      duration.record(0.2, Attributes.of(step, "failed, after"), failedContext);
      Span fine = tracer.spanBuilder("GET /fine").startSpan();
      fine.end();
      duration.record(0.3, Attributes.of(step, "fine, after"), Context.root().with(fine));
      SpanContext sampled = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
          TraceFlags.getSampled(), TraceState.getDefault());
      duration.record(0.4, Attributes.of(step, "sampled"), Context.root().with(Span.wrap(sampled)));
      duration.record(0.5, Attributes.of(step, "no span"), Context.root());

      Map<String, List<String>> exemplarTraces = reader.collectAllMetrics().iterator().next()
          .getHistogramData().getPoints().stream().collect(Collectors.toMap(
              point -> point.getAttributes().get(step),
              point -> point.getExemplars().stream().map(e -> e.getSpanContext().getTraceId()).collect(Collectors.toList())));
      assertThat(exemplarTraces).containsOnly(
          Map.entry("failed, before its root ended", List.of()), // not decided yet: it might never be exported
          Map.entry("failed, after", List.of(failed.getSpanContext().getTraceId())),
          Map.entry("fine, after", List.of()),
          Map.entry("sampled", List.of(sampled.getTraceId())),
          Map.entry("no span", List.of()));
      assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getTraceId)
          .containsExactly(failed.getSpanContext().getTraceId());
    }
  }

  @Test
  void registersNoMetricsWhereItDoesNotApply() {
    OutcomeSampling outcomes = new OutcomeSampling(true, 0, 64);
    tracer(Sampler.parentBased(Sampler.alwaysOn()), "parentbased_always_on", outcomes);
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      outcomes.registerMetrics(meters.get("io.sightline.sampling"));
      assertThat(reader.collectAllMetrics()).isEmpty();
    }
  }

  @Test
  void describesWhatItKeeps() {
    assertThat(new OutcomeSampling(true, 0, 1).describe()).isEqualTo("errors");
    assertThat(new OutcomeSampling(true, TimeUnit.MILLISECONDS.toNanos(500), 1).describe())
        .isEqualTo("errors, slower than 500 ms");
    assertThat(new OutcomeSampling(false, TimeUnit.SECONDS.toNanos(2), 1).describe()).isEqualTo("slower than 2000 ms");
    assertThat(new OutcomeSampling(false, 0, 1).describe()).isEqualTo("off");
  }
}
