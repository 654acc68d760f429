package io.sightline.agent.exporter.encoded;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.sightline.agent.records.BinarySpanContext;
import io.sightline.agent.records.FlatTracerProvider;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoder's request, decoded with the official OTLP classes, equals the SDK marshaler's request
 * for the same spans: every field, every attribute type, events, links, limits, trace state, flags.
 */
class OtlpSpanEncoderTest {
  private final List<ReadableSpan> ended = new ArrayList<>();
  private SdkTracerProvider provider;

  @BeforeEach
  void setUp() {
    Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout",
        AttributeKey.longKey("process.pid"), 4242L), "https://opentelemetry.io/schemas/1.24.0");
    provider = SdkTracerProvider.builder()
        .setResource(resource)
        .setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(40).setMaxNumberOfEvents(3)
            .setMaxNumberOfLinks(2).setMaxAttributeValueLength(300).build())
        .addSpanProcessor(new SpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {}

          @Override
          public boolean isStartRequired() {
            return false;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            ended.add(span);
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }
        })
        .build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  /** The SDK's spans, encoded from their {@code SpanData}; and the agent's own, read directly. */
  private TracerProvider tracers(boolean agentSpans) {
    return agentSpans ? FlatTracerProvider.over(provider) : provider;
  }

  @ParameterizedTest(name = "agent spans: {0}")
  @ValueSource(booleans = {false, true})
  void everyKindOfFieldDecodesAsTheSdkWritesIt(boolean agentSpans) throws Exception {
    TracerProvider provider = tracers(agentSpans);
    assertThat(provider instanceof FlatTracerProvider).isEqualTo(agentSpans);
    Tracer server = provider.tracerBuilder("io.sightline.servlet").setInstrumentationVersion("1.2.3")
        .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0").build();
    Tracer jdbc = provider.get("io.sightline.jdbc");
    Tracer bare = provider.get("");

    SpanContext remoteParent = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331", TraceFlags.getSampled(),
        TraceState.builder().put("vendor", "a1").put("other", "b2").build());
    Span root = server.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
        .setParent(Context.root().with(Span.wrap(remoteParent)))
        .setAttribute("http.request.method", "GET")
        .setAttribute("http.response.status_code", 500L)
        .setAttribute("negative", -17L)
        .setAttribute("ratio", 0.25)
        .setAttribute("flag", true)
        .setAttribute("off", false)
        .setAttribute("empty", "")
        .setAttribute("unicode", "caf\u00e9 \u20ac \ud83d\ude00 lone \ud800 end")
        .setAttribute("long.text", "x".repeat(1000)) // truncated to 300 by the limits, longer than 127
        // the edges of the encoder's ASCII fast path: 127 and 128 characters, a non-ASCII last one
        .setAttribute("ascii.127", "a".repeat(127))
        .setAttribute("ascii.128", "b".repeat(128))
        .setAttribute("latin.127", "c".repeat(126) + "\u00e9")
        .setAttribute(AttributeKey.stringArrayKey("tags"), Arrays.asList("a", "", "\u00fc"))
        .setAttribute(AttributeKey.booleanArrayKey("bools"), Arrays.asList(true, false))
        .setAttribute(AttributeKey.longArrayKey("longs"), Arrays.asList(1L, -2L, Long.MAX_VALUE))
        .setAttribute(AttributeKey.doubleArrayKey("doubles"), Arrays.asList(1.5, -0.0))
        .setAttribute(AttributeKey.valueKey("structured"), Value.of(
            io.opentelemetry.api.common.KeyValue.of("k", Value.of("v")), io.opentelemetry.api.common.KeyValue.of("n", Value.of(Value.of(1L), Value.of(true))),
            io.opentelemetry.api.common.KeyValue.of("b", Value.of(new byte[] {1, 2, 3})), io.opentelemetry.api.common.KeyValue.of("none", Value.empty())))
        .addLink(SpanContext.create("11111111111111111111111111111111", "2222222222222222",
            TraceFlags.getDefault(), TraceState.builder().put("k", "v").build()),
            Attributes.of(AttributeKey.stringKey("link.kind"), "follows"))
        .addLink(SpanContext.createFromRemoteParent("33333333333333333333333333333333", "4444444444444444",
            TraceFlags.getSampled(), TraceState.getDefault()))
        .addLink(SpanContext.create("55555555555555555555555555555555", "6666666666666666",
            TraceFlags.getSampled(), TraceState.getDefault())) // over the limit: dropped, counted
        .setStartTimestamp(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS)
        .startSpan();
    root.addEvent("cache miss", Attributes.of(AttributeKey.longKey("size"), 3L), 1_700_000_000_200_000_000L,
        TimeUnit.NANOSECONDS);
    root.recordException(new IllegalStateException("pool exhausted"));
    root.addEvent("second");
    root.addEvent("third, over the limit");
    root.addEvent("fourth, over the limit");
    for (int i = 0; i < 30; i++) {
      root.setAttribute("extra." + i, i); // over the attribute limit: dropped, counted
    }
    root.setStatus(StatusCode.ERROR, "pool exhausted");

    Span child = jdbc.spanBuilder("SELECT orders").setSpanKind(SpanKind.CLIENT)
        .setParent(Context.root().with(root)).setAttribute("db.system.name", "postgresql").startSpan();
    child.setStatus(StatusCode.OK);
    child.end();
    // The agent's spans keep their ids as numbers: the root took its trace id from the remote
    // parent's hex, the child from the root's numbers.
    assertThat(root.getSpanContext() instanceof BinarySpanContext).isEqualTo(agentSpans);
    assertThat(child.getSpanContext() instanceof BinarySpanContext).isEqualTo(agentSpans);
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(remoteParent.getTraceId());
    Span internal = bare.spanBuilder("").setParent(Context.root().with(root)).startSpan();
    internal.end();
    Span producer = jdbc.spanBuilder("send").setSpanKind(SpanKind.PRODUCER).setNoParent().startSpan();
    producer.end();
    Span consumer = server.spanBuilder("receive").setSpanKind(SpanKind.CONSUMER).startSpan();
    consumer.end();
    root.end(1_700_000_001_000_000_000L, TimeUnit.NANOSECONDS);

    assertSameAsSdk(ended);
  }

  @ParameterizedTest(name = "agent spans: {0}")
  @ValueSource(booleans = {false, true})
  void aSpanOfSeveralKilobytesAndManyBatchesOfSmallOnes(boolean agentSpans) throws Exception {
    Tracer tracer = tracers(agentSpans).get("io.sightline.jdkhttpserver");
    Span big = tracer.spanBuilder("big").startSpan();
    for (int i = 0; i < 40; i++) {
      big.setAttribute("attribute." + i, "v".repeat(200 + i));
    }
    big.end();
    for (int i = 0; i < 600; i++) {
      tracer.spanBuilder("small " + i).setAttribute("i", i).startSpan().end();
    }
    assertSameAsSdk(ended);
    assertSameAsSdk(ended.subList(0, 1));
  }

  private static void assertSameAsSdk(List<ReadableSpan> spans) throws Exception {
    List<SpanData> data = new ArrayList<>();
    for (ReadableSpan span : spans) {
      data.add(span.toSpanData());
    }
    EncodedBatcher.RequestWriter<ReadableSpan, Object> writer = new EncodedBatcher.RequestWriter<>(EncodedSpanProcessor.CODEC);
    spans.forEach(writer::append);
    EncodedBatcher.RequestWriter.Request request = writer.finish();
    assertThat(request.unencodable).isZero();
    ExportTraceServiceRequest ours = ExportTraceServiceRequest.parseFrom(
        Arrays.copyOf(request.bytes, request.length));

    ByteArrayOutputStream sdkBytes = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(data).writeBinaryTo(sdkBytes);
    ExportTraceServiceRequest sdks = ExportTraceServiceRequest.parseFrom(sdkBytes.toByteArray());

    assertThat(ours.getResourceSpansCount()).isEqualTo(1);
    assertThat(normalized(ours)).isEqualTo(normalized(sdks));
    assertThat(ours.getResourceSpans(0).getScopeSpansList().stream().mapToInt(ScopeSpans::getSpansCount).sum())
        .isEqualTo(spans.size());
  }

  /** Resource, then per scope (by name) its header and its spans in order of span id. */
  private static Map<String, Object> normalized(ExportTraceServiceRequest request) {
    Map<String, Object> result = new TreeMap<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      result.put("resource", resourceSpans.getResource());
      result.put("resource.schema", resourceSpans.getSchemaUrl());
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        List<io.opentelemetry.proto.trace.v1.Span> sorted = new ArrayList<>();
        for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
          // The SDK's SpanData sorts attributes by key; the agent's spans keep the order they were set.
          List<KeyValue> attributes = new ArrayList<>(span.getAttributesList());
          attributes.sort(Comparator.comparing(KeyValue::getKey));
          sorted.add(span.toBuilder().clearAttributes().addAllAttributes(attributes).build());
        }
        sorted.sort(Comparator.comparing(io.opentelemetry.proto.trace.v1.Span::getSpanId,
            com.google.protobuf.ByteString.unsignedLexicographicalComparator()));
        String key = "scope " + scopeSpans.getScope().getName();
        result.put(key, List.of(scopeSpans.getScope(), scopeSpans.getSchemaUrl(), sorted));
      }
    }
    return result;
  }
}
