package io.sightline.agent.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A context whose ids are kept as numbers reads, compares, hashes and prints as the SDK's context
 * with the same ids; and the agent's spans use it only with the SDK's default id generator.
 */
class BinarySpanContextTest {
  private static final TraceState STATE = TraceState.builder().put("vendor", "a1").build();

  @Test
  void readsComparesAndPrintsAsTheSdksContext() {
    BinarySpanContext ours = new BinarySpanContext(0x0af7651916cd43ddL, 0x8448eb211c80319cL, null,
        0x00f067aa0ba902b7L, TraceFlags.getSampled(), STATE);
    SpanContext sdks = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7",
        TraceFlags.getSampled(), STATE);

    assertThat(ours.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(ours.getSpanId()).isEqualTo("00f067aa0ba902b7"); // leading zeros kept
    assertThat(ours.getTraceIdBytes()).isEqualTo(sdks.getTraceIdBytes());
    assertThat(ours.getSpanIdBytes()).isEqualTo(sdks.getSpanIdBytes());
    assertThat(ours.isValid()).isTrue();
    assertThat(ours.isRemote()).isFalse();
    assertThat(ours.isSampled()).isTrue();

    assertThat(ours).isEqualTo(sdks);
    assertThat(sdks).isEqualTo(ours);
    assertThat(ours.hashCode()).isEqualTo(sdks.hashCode());
    assertThat(ours.toString()).isEqualTo(sdks.toString());
    assertThat(ours).isEqualTo(new BinarySpanContext(0x0af7651916cd43ddL, 0x8448eb211c80319cL,
        "0af7651916cd43dd8448eb211c80319c", 0x00f067aa0ba902b7L, TraceFlags.getSampled(), STATE));

    assertThat(ours).isNotEqualTo(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b8",
        TraceFlags.getSampled(), STATE));
    assertThat(ours).isNotEqualTo(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7",
        TraceFlags.getDefault(), STATE));
    assertThat(ours).isNotEqualTo(SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
        "00f067aa0ba902b7", TraceFlags.getSampled(), STATE));
    assertThat(SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7",
        TraceFlags.getSampled(), STATE)).isNotEqualTo(ours);
  }

  @Test
  void theW3cPropagatorWritesItsIdsWhenItIsTheFirstToAsk() {
    // The propagator fills a per-thread scratch buffer and asks for the ids in between: an id
    // made lazily through the same buffer (TraceId.fromLongs) overwrote the header.
    BinarySpanContext ours = new BinarySpanContext(0x0af7651916cd43ddL, 0x8448eb211c80319cL, null,
        0x00f067aa0ba902b7L, TraceFlags.getSampled(), TraceState.getDefault());
    Map<String, String> headers = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(ours)), headers, Map::put);
    assertThat(headers).containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01");
  }

  @Test
  void hexOfEveryDigit() {
    assertThat(BinarySpanContext.hex(0x0123456789abcdefL, 0xfedcba9876543210L))
        .isEqualTo("0123456789abcdeffedcba9876543210");
    assertThat(BinarySpanContext.hex(-1L)).isEqualTo("ffffffffffffffff");
    assertThat(BinarySpanContext.hex(1L)).isEqualTo("0000000000000001");
  }

  @Test
  void theAgentsSpansKeepNumbersOnlyWithTheDefaultGenerator() {
    try (SdkTracerProvider random = SdkTracerProvider.builder().build();
        SdkTracerProvider custom = SdkTracerProvider.builder().setIdGenerator(new IdGenerator() {
          @Override
          public String generateSpanId() {
            return "00000000000000ab";
          }

          @Override
          public String generateTraceId() {
            return "000000000000000000000000000000cd";
          }
        }).build()) {
      Span root = FlatTracerProvider.over(random).get("t").spanBuilder("root").startSpan();
      Span child = FlatTracerProvider.over(random).get("t").spanBuilder("child")
          .setParent(Context.root().with(root)).startSpan();
      assertThat(root.getSpanContext()).isInstanceOf(BinarySpanContext.class);
      assertThat(child.getSpanContext()).isInstanceOf(BinarySpanContext.class);
      assertThat(child.getSpanContext().getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
      assertThat(child.getSpanContext().getSpanId()).isNotEqualTo(root.getSpanContext().getSpanId());
      assertThat(((FlatSpan) child).getParentSpanContext()).isEqualTo(root.getSpanContext());

      Span customSpan = FlatTracerProvider.over(custom).get("t").spanBuilder("custom").startSpan();
      assertThat(customSpan.getSpanContext()).isNotInstanceOf(BinarySpanContext.class);
      assertThat(customSpan.getSpanContext().getSpanId()).isEqualTo("00000000000000ab");
      assertThat(customSpan.getSpanContext().getTraceId()).isEqualTo("000000000000000000000000000000cd");
    }
  }
}
