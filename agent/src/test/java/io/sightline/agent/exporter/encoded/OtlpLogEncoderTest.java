package io.sightline.agent.exporter.encoded;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.logs.LogLimits;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.sightline.agent.records.BinarySpanContext;
import io.sightline.agent.records.FlatLoggerProvider;
import io.sightline.agent.records.FlatTracerProvider;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoder's logs request, decoded with the official OTLP classes, equals the SDK marshaler's
 * request for the same records: bodies of every kind, severities, trace context, limits, event names.
 */
class OtlpLogEncoderTest {

  @ParameterizedTest(name = "agent records: {0}")
  @ValueSource(booleans = {false, true})
  void everyKindOfFieldDecodesAsTheSdkWritesIt(boolean agentRecords) throws Exception {
    List<LogRecordData> emitted = new ArrayList<>();
    Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout"),
        "https://opentelemetry.io/schemas/1.24.0");
    try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .setResource(resource)
        .setLogLimits(() -> LogLimits.builder().setMaxNumberOfAttributes(4).setMaxAttributeValueLength(200).build())
        .addLogRecordProcessor(new LogRecordProcessor() {
          @Override
          public void onEmit(Context context, ReadWriteLogRecord logRecord) {
            emitted.add(logRecord.toLogRecordData());
          }
        })
        .build()) {
      LoggerProvider logs = agentRecords ? FlatLoggerProvider.over(provider) : provider;
      assertThat(logs instanceof FlatLoggerProvider).isEqualTo(agentRecords);
      Logger logback = logs.loggerBuilder("org.example.OrderService").setInstrumentationVersion("1.5")
          .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0").build();
      Logger other = logs.get("");
      Context inSpan = Context.root().with(Span.wrap(SpanContext.create("0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault())));
      Context unsampled = Context.root().with(Span.wrap(SpanContext.create("1af7651916cd43dd8448eb211c80319c",
          "c7ad6b7169203331", TraceFlags.getDefault(), TraceState.getDefault())));

      logback.logRecordBuilder()
          .setTimestamp(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS)
          .setObservedTimestamp(1_700_000_000_200_000_000L, TimeUnit.NANOSECONDS)
          .setSeverity(Severity.ERROR).setSeverityText("ERROR")
          .setBody("order 42 failed: caf\u00e9 \ud83d\ude00 " + "x".repeat(300))
          .setAttribute(AttributeKey.stringKey("thread.name"), "http-nio-8080-exec-1")
          .setAttribute(AttributeKey.longKey("code.lineno"), 118L)
          .setAttribute(AttributeKey.stringArrayKey("tags"), Arrays.asList("a", "b"))
          .setAttribute(AttributeKey.booleanKey("handled"), false)
          .setAttribute(AttributeKey.doubleKey("over.the.limit"), 1.5)
          .setContext(inSpan)
          .emit();
      logback.logRecordBuilder().setSeverity(Severity.INFO).setBody(Value.of(
          KeyValue.of("event", Value.of("checkout")), KeyValue.of("items", Value.of(Value.of(1L), Value.of(2.5)))))
          .setContext(unsampled).emit();
      logback.logRecordBuilder().setBody("").setEventName("com.example.order.placed").emit();
      other.logRecordBuilder().emit(); // no body, no severity, no context
      other.logRecordBuilder().setBody(Value.of(new byte[] {0, 1, 2})).setSeverity(Severity.TRACE2).emit();
      // in one of the agent's own spans, whose ids are kept as numbers (written without hex)
      try (SdkTracerProvider tracing = SdkTracerProvider.builder().build()) {
        Span agentSpan = FlatTracerProvider.over(tracing).get("io.sightline.jdbc").spanBuilder("SELECT").startSpan();
        assertThat(agentSpan.getSpanContext()).isInstanceOf(BinarySpanContext.class);
        logback.logRecordBuilder().setBody("in an agent span").setContext(Context.root().with(agentSpan)).emit();
        agentSpan.end();
      }
    }

    EncodedBatcher.RequestWriter<LogRecordData, LogRecordData> writer =
        new EncodedBatcher.RequestWriter<>(EncodedLogRecordProcessor.CODEC);
    emitted.forEach(writer::append);
    EncodedBatcher.RequestWriter.Request request = writer.finish();
    assertThat(request.unencodable).isZero();
    ExportLogsServiceRequest ours = ExportLogsServiceRequest.parseFrom(Arrays.copyOf(request.bytes, request.length));

    ByteArrayOutputStream sdkBytes = new ByteArrayOutputStream();
    LogsRequestMarshaler.create(emitted).writeBinaryTo(sdkBytes);
    ExportLogsServiceRequest sdks = ExportLogsServiceRequest.parseFrom(sdkBytes.toByteArray());

    assertThat(ours.getResourceLogsCount()).isEqualTo(1);
    assertThat(ours.getResourceLogs(0).getScopeLogsList().stream().mapToInt(ScopeLogs::getLogRecordsCount).sum())
        .isEqualTo(6);
    assertThat(normalized(ours)).isEqualTo(normalized(sdks));
  }

  /** Resource, then per scope (by name) its header and its records in emission order. */
  private static Map<String, Object> normalized(ExportLogsServiceRequest request) {
    Map<String, Object> result = new TreeMap<>();
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      result.put("resource", resourceLogs.getResource());
      result.put("resource.schema", resourceLogs.getSchemaUrl());
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        List<LogRecord> records = new ArrayList<>();
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          // The SDK's data sorts attributes by key; the agent's records keep the order they were set.
          List<io.opentelemetry.proto.common.v1.KeyValue> attributes = new ArrayList<>(record.getAttributesList());
          attributes.sort(Comparator.comparing(io.opentelemetry.proto.common.v1.KeyValue::getKey));
          records.add(record.toBuilder().clearAttributes().addAllAttributes(attributes).build());
        }
        result.put("scope " + scopeLogs.getScope().getName(),
            List.of(scopeLogs.getScope(), scopeLogs.getSchemaUrl(), records));
      }
    }
    return result;
  }
}
