package io.sightline.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.sightline.instrumentation.logs.LogSampleRatio;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Log records of traces waiting for their outcome, with {@code sightline.logs.sample-ratio} at 0:
 * a trace kept for its error comes with every line it logged, one that ended well with its WARN
 * lines only. Real SDK tracer and logger providers, the agent's sampler and buffers between them.
 */
class OutcomeLogBufferTest {
  private static final LogSampleRatio NONE = LogSampleRatio.of(0.0);
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryLogRecordExporter records = InMemoryLogRecordExporter.create();
  private SdkTracerProvider tracing;
  private SdkLoggerProvider logging;
  private OutcomeSampling outcomes;
  private OutcomeLogBuffer buffer;
  private Tracer tracer;
  private Logger logger;

  /** Errors kept; the configured sampler drops every new trace; the log ratio is {@code ratio}. */
  private void start(String samplerName, LogSampleRatio ratio, int bufferSize) {
    OutcomeSampling outcomes = new OutcomeSampling(true, 0, bufferSize);
    tracing = SdkTracerProvider.builder()
        .setSampler(outcomes.sampler(Sampler.parentBased(Sampler.alwaysOff()), samplerName))
        .addSpanProcessor(outcomes.processor(SimpleSpanProcessor.create(spans), samplerName))
        .build();
    LogRecordProcessor processor = outcomes.logProcessor(SimpleLogRecordProcessor.create(records), samplerName, ratio);
    if (processor instanceof OutcomeLogBuffer) {
      buffer = (OutcomeLogBuffer) processor;
    }
    logging = SdkLoggerProvider.builder().addLogRecordProcessor(processor).build();
    tracer = tracing.get("test");
    logger = logging.get("test");
    this.outcomes = outcomes;
  }

  @AfterEach
  void close() {
    if (tracing != null) {
      tracing.close();
      logging.close();
    }
  }

  private void log(Severity severity, String body) {
    logger.logRecordBuilder().setSeverity(severity).setBody(body).emit();
  }

  private List<String> exported() {
    return records.getFinishedLogRecordItems().stream().map(r -> r.getBodyValue().asString())
        .collect(Collectors.toList());
  }

  @Test
  void aTraceKeptForItsErrorComesWithEveryLineItLogged() {
    start("parentbased_traceidratio", NONE, 2048);
    Span failed = tracer.spanBuilder("GET /fails").startSpan();
    try (Scope ignored = failed.makeCurrent()) {
      log(Severity.INFO, "fails: started");
      Span select = tracer.spanBuilder("SELECT").startSpan();
      try (Scope inner = select.makeCurrent()) {
        log(Severity.DEBUG, "fails: query");
      }
      select.end();
      log(Severity.WARN, "fails: retrying");
    }
    Span fine = tracer.spanBuilder("GET /ok").startSpan();
    try (Scope ignored = fine.makeCurrent()) {
      log(Severity.INFO, "ok: started");
      log(Severity.ERROR, "ok: an error line, its request still ends well");
    }
    // WARN and above go at once; the rest waits for the roots.
    assertThat(exported()).containsExactly("fails: retrying", "ok: an error line, its request still ends well");

    fine.end();
    failed.setStatus(StatusCode.ERROR);
    failed.end();

    assertThat(exported()).containsExactly("fails: retrying", "ok: an error line, its request still ends well",
        "fails: started", "fails: query");
    List<LogRecordData> kept = records.getFinishedLogRecordItems().subList(2, 4);
    for (LogRecordData record : kept) {
      // The record keeps the trace's ids as they were logged (the ids are what join it to the trace).
      assertThat(record.getSpanContext().getTraceId()).isEqualTo(failed.getSpanContext().getTraceId());
    }
    assertThat(kept.get(1).getSpanContext().getSpanId()).isNotEqualTo(failed.getSpanContext().getSpanId());
    assertThat(spans.getFinishedSpanItems()).extracting(s -> s.getName()).containsExactly("SELECT", "GET /fails");
    assertThat(buffer.evictedCount()).isZero();
  }

  @Test
  void aLineLoggedAfterItsRootEndedFollowsTheDecision() {
    start("parentbased_traceidratio", NONE, 2048);
    Span failed = tracer.spanBuilder("GET /fails").startSpan();
    failed.setStatus(StatusCode.ERROR);
    failed.end();
    Span fine = tracer.spanBuilder("GET /ok").startSpan();
    fine.end();

    try (Scope ignored = Context.root().with(failed).makeCurrent()) {
      log(Severity.INFO, "late line of the failed request");
    }
    try (Scope ignored = Context.root().with(fine).makeCurrent()) {
      log(Severity.INFO, "late line of the fine request");
    }
    assertThat(exported()).containsExactly("late line of the failed request");
  }

  @Test
  void withoutTheKeepingTheRatioAloneDecides() {
    start("always_on", NONE, 2048);
    assertThat(buffer).isNotNull();
    Span unsampled = Span.wrap(io.opentelemetry.api.trace.SpanContext.create("0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331", io.opentelemetry.api.trace.TraceFlags.getDefault(),
        io.opentelemetry.api.trace.TraceState.getDefault()));
    try (Scope ignored = unsampled.makeCurrent()) {
      log(Severity.INFO, "unsampled info");
      log(Severity.WARN, "unsampled warn");
    }
    Span sampled = Span.wrap(io.opentelemetry.api.trace.SpanContext.create("0af7651916cd43dd8448eb211c80319d",
        "b7ad6b7169203332", io.opentelemetry.api.trace.TraceFlags.getSampled(),
        io.opentelemetry.api.trace.TraceState.getDefault()));
    try (Scope ignored = sampled.makeCurrent()) {
      log(Severity.DEBUG, "sampled debug");
    }
    log(Severity.INFO, "outside a trace");
    assertThat(exported()).containsExactly("unsampled warn", "sampled debug", "outside a trace");
  }

  @Test
  void aRatioOfOneAddsNothing() {
    OutcomeSampling outcomes = new OutcomeSampling(true, 0, 2048);
    LogRecordProcessor export = SimpleLogRecordProcessor.create(records);
    assertThat(outcomes.logProcessor(export, "parentbased_traceidratio", LogSampleRatio.of(1.0)))
        .isSameAs(export);
  }

  @Test
  void linesWaitingForRootsThatNeverEndAreBoundedAndCounted() {
    start("parentbased_traceidratio", NONE, 64);
    for (int i = 0; i < 1_000; i++) {
      Span root = tracer.spanBuilder("never ends").startSpan();
      try (Scope ignored = root.makeCurrent()) {
        log(Severity.INFO, "line " + i);
      }
    }
    // 64 records may wait (four per stripe); everything past that was let go, and counted.
    assertThat(buffer.evictedCount()).isGreaterThanOrEqualTo(1_000 - 64);
    assertThat(outcomes.recordsLetGo()).isEqualTo(buffer.evictedCount());
    assertThat(records.getFinishedLogRecordItems()).isEmpty();
  }
}
