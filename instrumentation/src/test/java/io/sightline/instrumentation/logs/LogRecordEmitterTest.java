package io.sightline.instrumentation.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.sightline.instrumentation.api.Suppression;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogRecordEmitterTest {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private final InMemoryLogRecordExporter exporter = InMemoryLogRecordExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setLoggerProvider(SdkLoggerProvider.builder()
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build())
      .build();

  @AfterEach
  void close() {
    sdk.close();
  }

  private static Scope span(TraceFlags flags) {
    return Context.root().with(Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID, flags, TraceState.getDefault())))
        .makeCurrent();
  }

  @Test
  void recordWithEveryField() {
    LogRecordEmitter emitter = new LogRecordEmitter(sdk, 1.0);
    IllegalStateException thrown = new IllegalStateException("broken");
    try (Scope ignored = span(TraceFlags.getSampled())) {
      emitter.emit("orders.work", 1_700_000_000_123L, 17, "ERROR", "it failed", thrown);
    }

    List<LogRecordData> records = exporter.getFinishedLogRecordItems();
    assertThat(records).hasSize(1);
    LogRecordData record = records.get(0);
    assertThat(record.getInstrumentationScopeInfo().getName()).isEqualTo("orders.work");
    assertThat(record.getTimestampEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1_700_000_000_123L));
    assertThat(record.getSeverity()).isEqualTo(Severity.ERROR);
    assertThat(record.getSeverityText()).isEqualTo("ERROR");
    assertThat(record.getBodyValue().asString()).isEqualTo("it failed");
    assertThat(record.getSpanContext().getTraceId()).isEqualTo(TRACE_ID);
    assertThat(record.getSpanContext().getSpanId()).isEqualTo(SPAN_ID);
    assertThat(record.getAttributes().get(AttributeKey.stringKey("thread.name"))).isEqualTo(Thread.currentThread().getName());
    assertThat(record.getAttributes().get(AttributeKey.longKey("thread.id"))).isEqualTo(Thread.currentThread().getId());
    assertThat(record.getAttributes().get(AttributeKey.stringKey("exception.type"))).isEqualTo("java.lang.IllegalStateException");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("exception.message"))).isEqualTo("broken");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
        .startsWith("java.lang.IllegalStateException: broken\n\tat io.sightline.instrumentation.logs.LogRecordEmitterTest");
    assertThat(record.getAttributes().size()).isEqualTo(5);
  }

  @Test
  void neverTheAgentsOwnLoggersNorSuppressedWork() {
    LogRecordEmitter emitter = new LogRecordEmitter(sdk, 1.0);
    assertThat(emitter.accepts("io.sightline.shaded.io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor")).isFalse();
    assertThat(emitter.accepts("orders.work")).isTrue();
    assertThat(emitter.accepts("io.sightline.agent.AgentInstaller")).isFalse();
    assertThat(emitter.accepts("io.sightline.instrumentation")).isFalse();
    // An application of its own under io.sightline is the application's.
    assertThat(emitter.accepts("io.sightline.testapps.boot.BootApp")).isTrue();
    assertThat(emitter.accepts("io.sightline.agentsmith")).isTrue();
    try (Scope ignored = Suppression.suppress()) {
      assertThat(emitter.accepts("orders.work")).isFalse();
    }
  }

  @Test
  void sampleRatioZeroDropsOnlyBelowWarnOfUnsampledTraces() {
    LogRecordEmitter emitter = new LogRecordEmitter(sdk, 0.0);
    try (Scope ignored = span(TraceFlags.getDefault())) {
      emitter.emit("a", 1, 9, "INFO", "unsampled info", null);
      emitter.emit("a", 1, 5, "DEBUG", "unsampled debug", null);
      emitter.emit("a", 1, 13, "WARN", "unsampled warn", null);
      emitter.emit("a", 1, 17, "ERROR", "unsampled error", null);
    }
    try (Scope ignored = span(TraceFlags.getSampled())) {
      emitter.emit("a", 1, 9, "INFO", "sampled info", null);
    }
    emitter.emit("a", 1, 9, "INFO", "no trace info", null);

    assertThat(exporter.getFinishedLogRecordItems()).extracting(r -> r.getBodyValue().asString())
        .containsExactly("unsampled warn", "unsampled error", "sampled info", "no trace info");
  }

  @Test
  void sampleRatioKeepsOrDropsAWholeTrace() {
    // Low 64 bits of TRACE_ID: 0x8448eb211c80319c; without the sign bit 0x0448eb211c80319c, about 3.3% of the range.
    new LogRecordEmitter(sdk, 0.04).emit("a", 1, 9, "INFO", "ignored outside a span", null);
    try (Scope ignored = span(TraceFlags.getDefault())) {
      new LogRecordEmitter(sdk, 0.04).emit("a", 1, 9, "INFO", "kept at 4%", null);
      new LogRecordEmitter(sdk, 0.03).emit("a", 1, 9, "INFO", "dropped at 3%", null);
    }
    assertThat(exporter.getFinishedLogRecordItems()).extracting(r -> r.getBodyValue().asString())
        .containsExactly("ignored outside a span", "kept at 4%");
  }

  @Test
  void aLineOfATraceWaitingForItsOutcomeIsEmittedForTheAgentToHold() {
    // Recorded but not sampled: the agent's outcome-aware sampler records the traces its ratio
    // drops; the agent's log processor holds their lines until the trace is decided.
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().setSampler(new RecordOnly()).build()) {
      Span waiting = tracing.get("test").spanBuilder("GET /orders").startSpan();
      assertThat(waiting.isRecording()).isTrue();
      assertThat(waiting.getSpanContext().isSampled()).isFalse();
      try (Scope ignored = waiting.makeCurrent()) {
        new LogRecordEmitter(sdk, 0.0).emit("a", 1, 9, "INFO", "line of a recorded trace", null);
      }
      try (Scope ignored = span(TraceFlags.getDefault())) {
        new LogRecordEmitter(sdk, 0.0).emit("a", 1, 9, "INFO", "line of an unrecorded trace", null);
      }
      waiting.end();
    }
    assertThat(exporter.getFinishedLogRecordItems()).extracting(r -> r.getBodyValue().asString())
        .containsExactly("line of a recorded trace");
  }

  private static final class RecordOnly implements Sampler {
    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
        Attributes attributes, List<LinkData> parentLinks) {
      return SamplingResult.recordOnly();
    }

    @Override
    public String getDescription() {
      return "RecordOnly";
    }
  }

  @Test
  void severityNumbersOfEachLibrary() {
    assertThat(new int[] {Severities.logback(5000), Severities.logback(10000), Severities.logback(20000),
        Severities.logback(30000), Severities.logback(40000)}).containsExactly(1, 5, 9, 13, 17);
    assertThat(new int[] {Severities.log4j(600), Severities.log4j(500), Severities.log4j(400),
        Severities.log4j(300), Severities.log4j(200), Severities.log4j(100)}).containsExactly(1, 5, 9, 13, 17, 21);
    assertThat(new int[] {Severities.jul(300), Severities.jul(400), Severities.jul(500), Severities.jul(700),
        Severities.jul(800), Severities.jul(900), Severities.jul(1000)}).containsExactly(1, 4, 5, 8, 9, 13, 17);
  }
}
