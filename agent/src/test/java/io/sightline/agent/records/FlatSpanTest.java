package io.sightline.agent.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The agent's own spans against the SDK's: the same scenario is run through an SDK tracer provider
 * and through {@link FlatTracerProvider} over an identical one, with a clock and an id generator that
 * count their calls, so that ids and timestamps must come out equal too; every {@link SpanData}
 * field is then compared, and what the processors saw.
 */
class FlatSpanTest {
  private static final IllegalStateException FAILURE = new IllegalStateException("pool exhausted");

  /** What one provider's processors saw: starts, endings, ends, and each span's data at its end. */
  private static final class Recorded {
    final List<String> calls = new ArrayList<>();
    final List<SpanData> data = new ArrayList<>();
    final List<ReadableSpan> spans = new ArrayList<>();
  }

  private static SdkTracerProvider sdk(Recorded recorded, Sampler sampler) {
    long[] ticks = {0};
    Clock counting = new Clock() {
      @Override
      public long now() {
        return 1_700_000_000_000_000_000L + 1_000_000L * ++ticks[0];
      }

      @Override
      public long nanoTime() {
        return 5_000L * ++ticks[0];
      }
    };
    int[] ids = {0};
    IdGenerator sequential = new IdGenerator() {
      @Override
      public String generateSpanId() {
        return String.format("%016x", ++ids[0]);
      }

      @Override
      public String generateTraceId() {
        return String.format("%032x", 0xabc000L + ++ids[0]);
      }

      @Override
      public boolean generatesRandomTraceIds() {
        return true;
      }
    };
    return SdkTracerProvider.builder()
        .setClock(counting)
        .setIdGenerator(sequential)
        .setSampler(sampler)
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")))
        .setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(6).setMaxAttributeValueLength(12)
            .setMaxNumberOfEvents(3).setMaxNumberOfLinks(2).setMaxNumberOfAttributesPerEvent(2)
            .setMaxNumberOfAttributesPerLink(1).build())
        .addSpanProcessor(new ExtendedSpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {
            recorded.calls.add("start " + span.getName() + " under " + Span.fromContext(parentContext).getSpanContext());
            span.setAttribute("started.by", "processor");
          }

          @Override
          public boolean isStartRequired() {
            return true;
          }

          @Override
          public void onEnding(ReadWriteSpan span) {
            recorded.calls.add("ending " + span.getName() + " ended=" + span.hasEnded());
            span.setAttribute("ending.by", "processor"); // still allowed: the ending thread, in onEnding
          }

          @Override
          public boolean isOnEndingRequired() {
            return true;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            recorded.calls.add("end " + span.getName() + " latency=" + span.getLatencyNanos()
                + " status.code=" + span.getAttribute(AttributeKey.longKey("status.code")));
            recorded.data.add(span.toSpanData());
            recorded.spans.add(span);
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }
        })
        .build();
  }

  /** Runs {@code scenario} through the SDK's spans and the agent's, and checks they agree. */
  private static List<ReadableSpan> assertSameAsSdk(Sampler sampler, Consumer<TracerProvider> scenario) {
    Recorded bySdk = new Recorded();
    Recorded byAgent = new Recorded();
    try (SdkTracerProvider plain = sdk(bySdk, sampler); SdkTracerProvider under = sdk(byAgent, sampler)) {
      scenario.accept(plain);
      TracerProvider flat = FlatTracerProvider.over(under);
      assertThat(flat).isInstanceOf(FlatTracerProvider.class);
      scenario.accept(flat);
    }
    assertThat(byAgent.calls).isEqualTo(bySdk.calls);
    assertThat(byAgent.data).hasSameSizeAs(bySdk.data);
    for (int i = 0; i < bySdk.data.size(); i++) {
      assertSameData(byAgent.data.get(i), bySdk.data.get(i));
      assertSameData(byAgent.spans.get(i).toSpanData(), bySdk.spans.get(i).toSpanData());
      assertThat(byAgent.spans.get(i)).isInstanceOf(FlatSpan.class);
    }
    return byAgent.spans;
  }

  private static void assertSameData(SpanData actual, SpanData expected) {
    assertThat(actual.getName()).isEqualTo(expected.getName());
    assertThat(actual.getKind()).isEqualTo(expected.getKind());
    assertThat(actual.getSpanContext()).isEqualTo(expected.getSpanContext());
    assertThat(actual.getSpanContext().getTraceFlags().isTraceIdRandom())
        .isEqualTo(expected.getSpanContext().getTraceFlags().isTraceIdRandom());
    assertThat(actual.getParentSpanContext()).isEqualTo(expected.getParentSpanContext());
    assertThat(actual.getStatus()).isEqualTo(expected.getStatus());
    assertThat(actual.getStartEpochNanos()).isEqualTo(expected.getStartEpochNanos());
    assertThat(actual.getEndEpochNanos()).isEqualTo(expected.getEndEpochNanos());
    assertThat(actual.hasEnded()).isEqualTo(expected.hasEnded());
    assertThat(actual.getAttributes().asMap()).isEqualTo(expected.getAttributes().asMap());
    assertThat(actual.getTotalAttributeCount()).isEqualTo(expected.getTotalAttributeCount());
    assertThat(actual.getEvents()).isEqualTo(expected.getEvents());
    assertThat(actual.getTotalRecordedEvents()).isEqualTo(expected.getTotalRecordedEvents());
    assertThat(actual.getLinks()).isEqualTo(expected.getLinks());
    assertThat(actual.getTotalRecordedLinks()).isEqualTo(expected.getTotalRecordedLinks());
    assertThat(actual.getInstrumentationScopeInfo()).isEqualTo(expected.getInstrumentationScopeInfo());
    assertThat(actual.getResource()).isEqualTo(expected.getResource());
  }

  @Test
  void aRequestWithEveryKindOfChangeEndsAsTheSdksSpanEnds() {
    assertSameAsSdk(Sampler.alwaysOn(), tracers -> {
      Tracer server = tracers.tracerBuilder("io.sightline.servlet").setInstrumentationVersion("1.0").build();
      Tracer jdbc = tracers.get("io.sightline.jdbc", "2.0");
      SpanContext remote = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
          TraceFlags.getSampled(), TraceState.builder().put("vendor", "a1").build());
      Span root = server.spanBuilder("GET").setSpanKind(SpanKind.SERVER)
          .setParent(Context.root().with(Span.wrap(remote)))
          .setAttribute("http.request.method", "GET")
          .setAttribute("url.path", "/orders/12345/items") // cut to 12 characters
          .setAttribute(AttributeKey.stringArrayKey("tags"), Arrays.asList("a", "a very long tag"))
          .setAttribute("http.request.method", "POST") // replaced in place, counted
          .setAttribute("", "ignored")
          .setAttribute(AttributeKey.stringKey("nothing"), null)
          .addLink(SpanContext.create("11111111111111111111111111111111", "2222222222222222", TraceFlags.getDefault(),
              TraceState.getDefault()), Attributes.of(AttributeKey.stringKey("a"), "1", AttributeKey.stringKey("b"), "2"))
          .addLink(SpanContext.getInvalid())
          .startSpan();
      try (Scope ignored = root.makeCurrent()) {
        root.updateName("GET /orders/{id}");
        root.addEvent("first");
        root.addEvent("second", Attributes.of(AttributeKey.longKey("x"), 1L, AttributeKey.longKey("y"), 2L,
            AttributeKey.longKey("z"), 3L));
        root.addEvent("timed", 42, TimeUnit.MILLISECONDS);
        root.addEvent("over the limit");
        root.addLink(SpanContext.create("33333333333333333333333333333333", "4444444444444444",
            TraceFlags.getSampled(), TraceState.getDefault()));
        root.addLink(SpanContext.create("55555555555555555555555555555555", "6666666666666666",
            TraceFlags.getSampled(), TraceState.getDefault())); // over the limit: counted
        Span query = jdbc.spanBuilder("SELECT orders").setSpanKind(SpanKind.CLIENT).startSpan();
        query.setAttribute("db.system.name", "postgresql");
        query.recordException(FAILURE, Attributes.of(AttributeKey.stringKey("extra"), "yes"));
        query.setStatus(StatusCode.ERROR, "timeout");
        query.setStatus(StatusCode.UNSET); // never over a status
        query.end();
        query.setAttribute("after.end", true); // ignored
        query.end(); // a second end changes nothing
        Span noParent = jdbc.spanBuilder("detached").setNoParent().setStartTimestamp(7, TimeUnit.SECONDS).startSpan();
        noParent.setStatus(StatusCode.OK, "description dropped for OK");
        noParent.setStatus(StatusCode.ERROR, "OK is final");
        noParent.end(9, TimeUnit.SECONDS);
      }
      for (int i = 0; i < 10; i++) {
        root.setAttribute("extra." + i, i); // past the limit of 6: dropped, counted
      }
      root.setAttribute(AttributeKey.longKey("status.code"), 500L);
      root.setStatus(StatusCode.ERROR);
      root.end();
      root.updateName("after the end");
      root.addEvent("after the end");
      root.setStatus(StatusCode.OK);
    });
  }

  @Test
  void theSamplersDecisionAttributesAndTraceStateAreTheSdks() {
    Sampler sampler = new Sampler() {
      @Override
      public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind kind,
          Attributes attributes, List<io.opentelemetry.sdk.trace.data.LinkData> links) {
        SamplingDecision decision = name.startsWith("drop") ? SamplingDecision.DROP
            : name.startsWith("record") ? SamplingDecision.RECORD_ONLY : SamplingDecision.RECORD_AND_SAMPLE;
        boolean random = Span.fromContext(parentContext).getSpanContext().getTraceFlags().isTraceIdRandom();
        String seen = attributes.get(AttributeKey.stringKey("route")) + "/" + attributes.size() + "/" + links.size()
            + "/" + random;
        return new SamplingResult() {
          @Override
          public SamplingDecision getDecision() {
            return decision;
          }

          @Override
          public Attributes getAttributes() {
            return Attributes.of(AttributeKey.stringKey("sampler.saw"), seen);
          }

          @Override
          public TraceState getUpdatedTraceState(TraceState parent) {
            return parent.toBuilder().put("sampler", name.replace(' ', '-')).build();
          }
        };
      }

      @Override
      public String getDescription() {
        return "by name";
      }
    };
    List<ReadableSpan> spans = assertSameAsSdk(sampler, tracers -> {
      Tracer tracer = tracers.get("io.sightline.test");
      Span kept = tracer.spanBuilder("keep root").setAttribute("route", "/a").startSpan();
      try (Scope ignored = kept.makeCurrent()) {
        Span dropped = tracer.spanBuilder("drop child").startSpan();
        assertThat(dropped.isRecording()).isFalse();
        assertThat(dropped).isNotInstanceOf(ReadableSpan.class);
        assertThat(dropped.getSpanContext().getTraceId()).isEqualTo(kept.getSpanContext().getTraceId());
        assertThat(dropped.getSpanContext().getTraceState().get("sampler")).isEqualTo("drop-child");
        dropped.end();
        Span recorded = tracer.spanBuilder("record only").startSpan();
        assertThat(recorded.isRecording()).isTrue();
        assertThat(recorded.getSpanContext().isSampled()).isFalse();
        recorded.end();
        assertThat(recorded.isRecording()).isFalse();
      }
      kept.end();
    });
    assertThat(spans).hasSize(2);
    assertThat(spans.get(1).getAttribute(AttributeKey.stringKey("sampler.saw"))).isEqualTo("/a/1/0/true");
  }

  @Test
  void aSpanEndedOnAnotherThreadIsExportedOnceWithWhatEveryThreadSet() throws Exception {
    List<ReadableSpan> spans = assertSameAsSdk(Sampler.alwaysOn(), tracers -> {
      Span span = tracers.get("io.sightline.test").spanBuilder("async").startSpan();
      span.setAttribute("on.start.thread", true);
      Thread other = new Thread(() -> {
        span.setAttribute("on.other.thread", true);
        span.end();
      });
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      span.end();
    });
    assertThat(spans).hasSize(1);
    assertThat(spans.get(0).getAttribute(AttributeKey.booleanKey("on.other.thread"))).isTrue();
  }

  @Test
  void aShutDownProviderStartsNoRecordingSpans() {
    Recorded recorded = new Recorded();
    SdkTracerProvider sdk = sdk(recorded, Sampler.alwaysOn());
    TracerProvider flat = FlatTracerProvider.over(sdk);
    sdk.shutdown().join(5, TimeUnit.SECONDS);
    Span span = flat.get("io.sightline.test").spanBuilder("late").startSpan();
    assertThat(span.isRecording()).isFalse();
    span.end();
    assertThat(recorded.calls).isEmpty();
  }
}
