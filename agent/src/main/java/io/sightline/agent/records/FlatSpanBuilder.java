package io.sightline.agent.records;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.internal.ImmutableSpanContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.internal.AttributeUtil;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SdkTracerState;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Starts a {@link FlatSpan} as the SDK's span builder starts its spans: the same parent resolution,
 * ids, sampler call (with the parent context marked when a new trace id is random, so that samplers
 * see the W3C random flag), trace flags and state, limits on attributes and links, and the
 * processors' {@code onStart}. A span the sampler does not record is a non-recording
 * {@code Span.wrap} of its context, as with the SDK.
 */
final class FlatSpanBuilder implements SpanBuilder {
  /** For a new trace with a random id: what the sampler sees as parent, so it can read the flag. */
  private static final Span RANDOM_TRACE_ID_MARKER = Span.wrap(SpanContext.create(TraceId.getInvalid(),
      SpanId.getInvalid(), TraceFlags.builder().setRandomTraceId(true).build(), TraceState.getDefault()));
  private static final Context ROOT_WITH_RANDOM_TRACE_ID = Context.root().with(RANDOM_TRACE_ID_MARKER);

  private final FlatTracerProvider provider;
  private final InstrumentationScopeInfo scope;
  private final String name;
  private final SpanLimits limits;
  private Context parent;
  private SpanKind kind = SpanKind.INTERNAL;
  private AttributeArray attributes;
  private List<LinkData> links;
  private int linksAdded;
  private long startEpochNanos;

  FlatSpanBuilder(FlatTracerProvider provider, InstrumentationScopeInfo scope, String name, SpanLimits limits) {
    this.provider = provider;
    this.scope = scope;
    this.name = name;
    this.limits = limits;
  }

  @Override
  public SpanBuilder setParent(Context context) {
    if (context != null) {
      parent = context;
    }
    return this;
  }

  @Override
  public SpanBuilder setNoParent() {
    parent = Context.root();
    return this;
  }

  @Override
  public SpanBuilder addLink(SpanContext spanContext) {
    if (spanContext != null && spanContext.isValid()) {
      addLink(LinkData.create(spanContext));
    }
    return this;
  }

  @Override
  public SpanBuilder addLink(SpanContext spanContext, Attributes linkAttributes) {
    if (spanContext == null || !spanContext.isValid()) {
      return this;
    }
    Attributes given = linkAttributes == null ? Attributes.empty() : linkAttributes;
    addLink(LinkData.create(spanContext, AttributeUtil.applyAttributesLimit(given,
        limits.getMaxNumberOfAttributesPerLink(), limits.getMaxAttributeValueLength()), given.size()));
    return this;
  }

  private void addLink(LinkData link) {
    linksAdded++;
    if (links == null) {
      links = new ArrayList<>(Math.min(limits.getMaxNumberOfLinks(), 8));
    }
    if (links.size() < limits.getMaxNumberOfLinks()) {
      links.add(link);
    }
  }

  @Override
  public SpanBuilder setAttribute(String key, String value) {
    return setAttribute(AttributeKey.stringKey(key), value);
  }

  @Override
  public SpanBuilder setAttribute(String key, long value) {
    return setAttribute(AttributeKey.longKey(key), value);
  }

  @Override
  public SpanBuilder setAttribute(String key, double value) {
    return setAttribute(AttributeKey.doubleKey(key), value);
  }

  @Override
  public SpanBuilder setAttribute(String key, boolean value) {
    return setAttribute(AttributeKey.booleanKey(key), value);
  }

  @Override
  public <T> SpanBuilder setAttribute(AttributeKey<T> key, T value) {
    if (key == null || key.getKey().isEmpty() || value == null) {
      return this;
    }
    attributes().put(key, value);
    return this;
  }

  private AttributeArray attributes() {
    if (attributes == null) {
      attributes = new AttributeArray(limits.getMaxNumberOfAttributes(), limits.getMaxAttributeValueLength());
    }
    return attributes;
  }

  @Override
  public SpanBuilder setSpanKind(SpanKind spanKind) {
    if (spanKind != null) {
      kind = spanKind;
    }
    return this;
  }

  @Override
  public SpanBuilder setStartTimestamp(long startTimestamp, TimeUnit unit) {
    if (startTimestamp >= 0 && unit != null) {
      startEpochNanos = unit.toNanos(startTimestamp);
    }
    return this;
  }

  @Override
  public Span startSpan() {
    Context parentContext = parent == null ? Context.current() : parent;
    Span parentSpan = Span.fromContext(parentContext);
    SpanContext parentSpanContext = parentSpan.getSpanContext();
    SdkTracerState state = provider.state();
    IdGenerator ids = state.idGenerator();
    // With the SDK's default generator the ids are drawn here as it draws them, and kept as numbers
    // (BinarySpanContext); any other generator is asked for its hex ids.
    boolean numeric = ids == IdGenerator.random();
    ThreadLocalRandom random = numeric ? ThreadLocalRandom.current() : null;
    long spanIdNumber = 0;
    String spanId = null;
    if (numeric) {
      do {
        spanIdNumber = random.nextLong();
      } while (spanIdNumber == 0);
    } else {
      spanId = ids.generateSpanId();
    }
    Context samplerContext = parentContext;
    String traceId;
    long traceIdHigh = 0;
    long traceIdLow = 0;
    boolean randomTraceId;
    if (parentSpanContext.isValid()) {
      traceId = parentSpanContext.getTraceId();
      randomTraceId = parentSpanContext.getTraceFlags().isTraceIdRandom();
      if (numeric) {
        traceIdHigh = BinarySpanContext.traceIdHigh(parentSpanContext);
        traceIdLow = BinarySpanContext.traceIdLow(parentSpanContext);
      }
    } else {
      if (numeric) {
        traceIdHigh = random.nextLong();
        do {
          traceIdLow = random.nextLong();
        } while (traceIdLow == 0);
        traceId = BinarySpanContext.hex(traceIdHigh, traceIdLow);
      } else {
        traceId = ids.generateTraceId();
      }
      randomTraceId = ids.generatesRandomTraceIds();
      if (randomTraceId) {
        samplerContext = parentContext == Context.root()
            ? ROOT_WITH_RANDOM_TRACE_ID : parentContext.with(RANDOM_TRACE_ID_MARKER);
      }
    }
    List<LinkData> startLinks = links;
    links = null;
    SamplingResult result = state.sampler().shouldSample(samplerContext, traceId, name, kind,
        attributes == null ? Attributes.empty() : attributes,
        startLinks == null ? Collections.emptyList() : Collections.unmodifiableList(startLinks));
    SamplingDecision decision = result.getDecision();
    TraceState traceState = result.getUpdatedTraceState(parentSpanContext.getTraceState());
    TraceFlags flags = provider.flags(decision == SamplingDecision.RECORD_AND_SAMPLE, randomTraceId);
    SpanContext context = numeric
        ? new BinarySpanContext(traceIdHigh, traceIdLow, traceId, spanIdNumber, flags, traceState)
        : ImmutableSpanContext.create(traceId, spanId, flags, traceState, false, state.idsNeedNoValidation());
    if (decision == SamplingDecision.DROP) {
      return Span.wrap(context);
    }
    Attributes added = result.getAttributes();
    if (!added.isEmpty()) {
      added.forEach((key, value) -> put(key, value));
    }
    AttributeArray startAttributes = attributes;
    attributes = null;
    return FlatSpan.start(provider, context, name, scope, kind, parentSpan, parentContext, limits,
        startAttributes, startLinks, linksAdded, startEpochNanos);
  }

  @SuppressWarnings("unchecked")
  private <T> void put(AttributeKey<T> key, Object value) {
    attributes().put(key, (T) value);
  }
}
