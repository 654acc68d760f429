package io.sightline.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The sink's wire-format counting against requests built with the official OTLP classes. */
class SpanSinkTest {

  @Test
  void countsSpansAcrossResourcesAndScopesLeavingOutTheHarnessStatsCalls() throws IOException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "benchmark-app")))
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.sightline.http"))
                .addSpans(span("GET /work", Span.SpanKind.SPAN_KIND_SERVER, "/work"))
                .addSpans(span("GET /stats", Span.SpanKind.SPAN_KIND_SERVER, "/stats"))
                .addSpans(span("GET", Span.SpanKind.SPAN_KIND_CLIENT, "/stats")) // a client call is workload
                .addSpans(span("GET /stats", Span.SpanKind.SPAN_KIND_SERVER, null))) // no url.path: by name
            .addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(span("SELECT bench.items", Span.SpanKind.SPAN_KIND_CLIENT, null))))
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(span("GET /work", Span.SpanKind.SPAN_KIND_SERVER, "/work?stats=1"))))
        .build();

    assertEquals(4, SpanSink.countSpans(request.toByteArray()));
    assertEquals(0, SpanSink.countSpans(ExportTraceServiceRequest.getDefaultInstance().toByteArray()));
  }

  @Test
  void countsLogRecords() throws IOException {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .addScopeLogs(ScopeLogs.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("logback"))
                .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("a")))
                .addLogRecords(LogRecord.newBuilder().setSeverityText("INFO")))
            .addScopeLogs(ScopeLogs.newBuilder()
                .addLogRecords(LogRecord.newBuilder().addAttributes(attribute("k", "v")))))
        .build();

    assertEquals(3, SpanSink.countLogRecords(request.toByteArray()));
  }

  @Test
  void rejectsATruncatedBatch() {
    byte[] whole = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(span("GET /work", Span.SpanKind.SPAN_KIND_SERVER, "/work"))))
        .build()
        .toByteArray();

    assertThrows(IOException.class, () -> SpanSink.countSpans(Arrays.copyOf(whole, whole.length - 3)));
  }

  private static Span span(String name, Span.SpanKind kind, String path) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[8]))
        .setName(name)
        .setKind(kind)
        .addAttributes(attribute("http.request.method", "GET"));
    if (path != null) {
      span.addAttributes(attribute("url.path", path));
    }
    return span.addAttributes(attribute("http.response.status_code", 200L)).build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue attribute(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
