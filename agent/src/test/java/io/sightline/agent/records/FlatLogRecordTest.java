package io.sightline.agent.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.logs.LogLimits;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The agent's own log records against the SDK's: the same emissions through an SDK logger provider
 * and through {@link FlatLoggerProvider} over an identical one (a clock that counts its calls), then
 * every {@link LogRecordData} field compared, and what the processors saw and changed.
 */
class FlatLogRecordTest {
  private static final IllegalStateException FAILURE = new IllegalStateException("pool exhausted");

  private static SdkLoggerProvider sdk(List<String> calls, List<LogRecordData> data) {
    long[] ticks = {0};
    Clock counting = new Clock() {
      @Override
      public long now() {
        return 1_700_000_000_000_000_000L + 1_000L * ++ticks[0];
      }

      @Override
      public long nanoTime() {
        return ++ticks[0];
      }
    };
    return SdkLoggerProvider.builder()
        .setClock(counting)
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")))
        .setLogLimits(() -> LogLimits.builder().setMaxNumberOfAttributes(4).setMaxAttributeValueLength(10).build())
        .addLogRecordProcessor(new LogRecordProcessor() {
          @Override
          public void onEmit(Context context, ReadWriteLogRecord record) {
            calls.add("first " + record.getSeverity() + " " + record.getBodyValue() + " in "
                + Span.fromContext(context).getSpanContext().getSpanId() + " thread.name="
                + record.getAttribute(AttributeKey.stringKey("thread.name")));
            record.setAttribute(AttributeKey.stringKey("added.by"), "first processor");
          }
        })
        .addLogRecordProcessor(new LogRecordProcessor() {
          @Override
          public void onEmit(Context context, ReadWriteLogRecord record) {
            calls.add("second sees " + record.getAttribute(AttributeKey.stringKey("added.by")) + ", "
                + record.getAttributes().size() + " attributes");
            data.add(record.toLogRecordData());
            record.setAttribute(AttributeKey.stringKey("after.data"), "not in the data taken");
          }
        })
        .build();
  }

  private static void assertSameAsSdk(Consumer<LoggerProvider> scenario) {
    List<String> sdkCalls = new ArrayList<>();
    List<LogRecordData> sdkData = new ArrayList<>();
    List<String> agentCalls = new ArrayList<>();
    List<LogRecordData> agentData = new ArrayList<>();
    try (SdkLoggerProvider plain = sdk(sdkCalls, sdkData); SdkLoggerProvider under = sdk(agentCalls, agentData)) {
      scenario.accept(plain);
      LoggerProvider flat = FlatLoggerProvider.over(under);
      assertThat(flat).isInstanceOf(FlatLoggerProvider.class);
      scenario.accept(flat);
    }
    assertThat(agentCalls).isEqualTo(sdkCalls);
    assertThat(agentData).hasSameSizeAs(sdkData).isNotEmpty();
    for (int i = 0; i < sdkData.size(); i++) {
      LogRecordData actual = agentData.get(i);
      LogRecordData expected = sdkData.get(i);
      assertThat(actual).isInstanceOf(FlatLogRecordData.class);
      assertThat(actual.getResource()).isEqualTo(expected.getResource());
      assertThat(actual.getInstrumentationScopeInfo()).isEqualTo(expected.getInstrumentationScopeInfo());
      assertThat(actual.getTimestampEpochNanos()).isEqualTo(expected.getTimestampEpochNanos());
      assertThat(actual.getObservedTimestampEpochNanos()).isEqualTo(expected.getObservedTimestampEpochNanos());
      assertThat(actual.getSpanContext()).isEqualTo(expected.getSpanContext());
      assertThat(actual.getSeverity()).isEqualTo(expected.getSeverity());
      assertThat(actual.getSeverityText()).isEqualTo(expected.getSeverityText());
      assertThat(actual.getBodyValue()).isEqualTo(expected.getBodyValue());
      assertThat(actual.getBody()).isEqualTo(expected.getBody());
      assertThat(actual.getAttributes().asMap()).isEqualTo(expected.getAttributes().asMap());
      assertThat(actual.getAttributes().size()).isEqualTo(expected.getAttributes().size());
      assertThat(actual.getTotalAttributeCount()).isEqualTo(expected.getTotalAttributeCount());
      assertThat(actual.getEventName()).isEqualTo(expected.getEventName());
    }
  }

  @Test
  void recordsOfEveryShapeAreEmittedAsTheSdksAre() {
    assertSameAsSdk(logs -> {
      SpanContext spanContext = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
          TraceFlags.getSampled(), TraceState.getDefault());
      try (Scope ignored = Context.root().with(Span.wrap(spanContext)).makeCurrent()) {
        logs.get("org.example.Orders").logRecordBuilder()
            .setTimestamp(1_700_000_000_123L, TimeUnit.MILLISECONDS)
            .setSeverity(Severity.WARN).setSeverityText("WARN")
            .setBody("order 42 is late")
            .setAttribute(AttributeKey.stringKey("thread.name"), "http-nio-8080-exec-1") // cut to 10
            .setAttribute(AttributeKey.longKey("thread.id"), 42L)
            .setAttribute(AttributeKey.stringKey("thread.name"), "main") // replaced, counted
            .setAttribute(AttributeKey.stringKey(""), "ignored")
            .emit();
      }
      logs.loggerBuilder("org.example.Payments").setInstrumentationVersion("2.0").build().logRecordBuilder()
          .setTimestamp(Instant.ofEpochSecond(1_700_000_000L, 5))
          .setObservedTimestamp(Instant.ofEpochSecond(1_700_000_001L, 7))
          .setSeverity(Severity.ERROR)
          .setAttribute(AttributeKey.stringKey("exception.type"), "set before: kept")
          .setException(FAILURE)
          .setEventName("payment.failed")
          .setAttribute(AttributeKey.longKey("a"), 1L)
          .setAttribute(AttributeKey.longKey("b"), 2L) // past the limit of 4 (with the processor's): dropped
          .emit();
      logs.get("").logRecordBuilder().emit(); // nothing set: the defaults
    });
  }

  @Test
  void aShutDownProviderEmitsNothing() {
    List<String> calls = new ArrayList<>();
    SdkLoggerProvider sdk = sdk(calls, new ArrayList<>());
    LoggerProvider flat = FlatLoggerProvider.over(sdk);
    sdk.shutdown().join(5, TimeUnit.SECONDS);
    flat.get("late").logRecordBuilder().setBody("after shutdown").emit();
    assertThat(calls).isEmpty();
  }
}
