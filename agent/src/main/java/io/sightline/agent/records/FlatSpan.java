package io.sightline.agent.records;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.internal.AttributeUtil;
import io.opentelemetry.sdk.common.internal.AttributesMap;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.ExceptionEventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own recording span. It behaves as the SDK's span does (what may change when, limits,
 * status rules, exception events, the end sequence with {@code onEnding} and {@code onEnd}) and is
 * a {@link ReadWriteSpan}, so every processor and exporter takes it as it takes the SDK's; but its
 * attributes are one array ({@link AttributeArray}) and, once ended, the OTLP encoder reads it
 * directly ({@link #attributeArray}, {@link #events}, ...) instead of a {@link SpanData} copy.
 *
 * <p>All changes and reads before the end hold the span's lock, as in the SDK: a span may be ended
 * on another thread than the one that started it. After {@link #end} nothing changes, so the export
 * worker, which receives the span through the processor's queue, reads it without the lock.
 */
public final class FlatSpan implements ReadWriteSpan {
  private static final int NOT_ENDED = 0;
  private static final int ENDING = 1;
  private static final int ENDED = 2;

  private final FlatTracerProvider provider;
  private final SpanContext context;
  private final SpanContext parentContext;
  private final InstrumentationScopeInfo scope;
  private final SpanKind kind;
  private final SpanLimits limits;
  private final Anchor clock;
  private final long startEpochNanos;

  // Guarded by this.
  private String name;
  private AttributeArray attributes;
  private List<EventData> events;
  private int eventsAdded;
  private List<LinkData> links;
  private int linksAdded;
  private StatusData status = StatusData.unset();
  private long endEpochNanos;
  /** Written under the lock; volatile so that {@link #isRecording} and {@link #hasEnded} need none. */
  private volatile int endState = NOT_ENDED;
  private Thread endingThread;

  private FlatSpan(FlatTracerProvider provider, SpanContext context, String name, InstrumentationScopeInfo scope,
      SpanKind kind, SpanContext parentContext, SpanLimits limits, Anchor clock, AttributeArray attributes,
      List<LinkData> links, int linksAdded, long startEpochNanos) {
    this.provider = provider;
    this.context = context;
    this.name = name;
    this.scope = scope;
    this.kind = kind;
    this.parentContext = parentContext;
    this.limits = limits;
    this.clock = clock;
    this.attributes = attributes;
    this.links = links;
    this.linksAdded = linksAdded;
    this.startEpochNanos = startEpochNanos;
  }

  static FlatSpan start(FlatTracerProvider provider, SpanContext context, String name, InstrumentationScopeInfo scope,
      SpanKind kind, Span parentSpan, Context parentContext, SpanLimits limits, AttributeArray attributes,
      List<LinkData> links, int linksAdded, long userStartEpochNanos) {
    // A child keeps its parent's anchor, so the durations within a trace are read from one clock.
    boolean anchoredHere = !(parentSpan instanceof FlatSpan);
    Anchor clock = anchoredHere ? new Anchor(provider.state().clock()) : ((FlatSpan) parentSpan).clock;
    long start = userStartEpochNanos != 0 ? userStartEpochNanos
        : anchoredHere ? clock.epochNanos : clock.now();
    FlatSpan span = new FlatSpan(provider, context, name, scope, kind, parentSpan.getSpanContext(), limits, clock,
        attributes, links, linksAdded, start);
    if (provider.startRequired()) {
      provider.processor().onStart(parentContext, span);
    }
    return span;
  }

  /** Wall-clock time at one instant, and monotonic time since: what the SDK's anchored clock does. */
  private static final class Anchor {
    final Clock clock;
    final long epochNanos;
    final long nanoTime;

    Anchor(Clock clock) {
      this.clock = clock;
      this.epochNanos = clock.now();
      this.nanoTime = clock.nanoTime();
    }

    long now() {
      return epochNanos + (clock.nanoTime() - nanoTime);
    }
  }

  /** Whether this thread may change the span: before its end, or while ending it ({@code onEnding}). */
  private boolean modifiable() {
    return endState == NOT_ENDED || (endState == ENDING && Thread.currentThread() == endingThread);
  }

  @Override
  public <T> ReadWriteSpan setAttribute(AttributeKey<T> key, T value) {
    if (key == null || key.getKey().isEmpty() || value == null) {
      return this;
    }
    synchronized (this) {
      if (modifiable()) {
        if (attributes == null) {
          attributes = new AttributeArray(limits.getMaxNumberOfAttributes(), limits.getMaxAttributeValueLength());
        }
        attributes.put(key, value);
      }
    }
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String eventName) {
    if (eventName != null) {
      addEvent(EventData.create(clock.now(), eventName, Attributes.empty(), 0));
    }
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String eventName, long timestamp, TimeUnit unit) {
    if (eventName != null && unit != null) {
      addEvent(EventData.create(unit.toNanos(timestamp), eventName, Attributes.empty(), 0));
    }
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String eventName, Attributes eventAttributes) {
    if (eventName != null) {
      addEvent(event(clock.now(), eventName, eventAttributes));
    }
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String eventName, Attributes eventAttributes, long timestamp, TimeUnit unit) {
    if (eventName != null && unit != null) {
      addEvent(event(unit.toNanos(timestamp), eventName, eventAttributes));
    }
    return this;
  }

  private EventData event(long epochNanos, String eventName, Attributes given) {
    Attributes eventAttributes = given == null ? Attributes.empty() : given;
    return EventData.create(epochNanos, eventName, AttributeUtil.applyAttributesLimit(eventAttributes,
        limits.getMaxNumberOfAttributesPerEvent(), limits.getMaxAttributeValueLength()), eventAttributes.size());
  }

  private synchronized void addEvent(EventData event) {
    if (!modifiable()) {
      return;
    }
    if (events == null) {
      events = new ArrayList<>(2);
    }
    if (events.size() < limits.getMaxNumberOfEvents()) {
      events.add(event);
    }
    eventsAdded++;
  }

  @Override
  public synchronized ReadWriteSpan setStatus(StatusCode statusCode, String description) {
    if (statusCode == null || !modifiable() || status.getStatusCode() == StatusCode.OK
        || statusCode == StatusCode.UNSET) {
      // An OK status is final; UNSET is the absence of one, never set over another.
      return this;
    }
    status = StatusData.create(statusCode, statusCode == StatusCode.ERROR ? description : null);
    return this;
  }

  @Override
  public ReadWriteSpan recordException(Throwable exception) {
    return recordException(exception, Attributes.empty());
  }

  @Override
  public ReadWriteSpan recordException(Throwable exception, Attributes additional) {
    if (exception == null) {
      return this;
    }
    // The SDK's own resolver and event type: the same exception.* attributes, cut to the same limits.
    AttributesMap eventAttributes = AttributesMap.create(limits.getMaxNumberOfAttributes(),
        limits.getMaxAttributeValueLength());
    provider.state().exceptionAttributes().setExceptionAttributes(eventAttributes::put, exception,
        limits.getMaxAttributeValueLength());
    if (additional != null) {
      additional.forEach(eventAttributes::put);
    }
    addEvent(ExceptionEventData.create(clock.now(), exception, eventAttributes, eventAttributes.getTotalAddedValues()));
    return this;
  }

  @Override
  public synchronized ReadWriteSpan updateName(String newName) {
    if (newName != null && modifiable()) {
      name = newName;
    }
    return this;
  }

  @Override
  public Span addLink(SpanContext spanContext, Attributes linkAttributes) {
    if (spanContext == null || !spanContext.isValid()) {
      return this;
    }
    Attributes given = linkAttributes == null ? Attributes.empty() : linkAttributes;
    LinkData link = LinkData.create(spanContext, AttributeUtil.applyAttributesLimit(given,
        limits.getMaxNumberOfAttributesPerLink(), limits.getMaxAttributeValueLength()));
    synchronized (this) {
      if (modifiable()) {
        if (links == null) {
          links = new ArrayList<>(2);
        }
        if (links.size() < limits.getMaxNumberOfLinks()) {
          links.add(link);
        }
        linksAdded++;
      }
    }
    return this;
  }

  @Override
  public void end() {
    end(clock.now());
  }

  @Override
  public void end(long timestamp, TimeUnit unit) {
    end(timestamp == 0 || unit == null ? clock.now() : unit.toNanos(timestamp));
  }

  private void end(long epochNanos) {
    synchronized (this) {
      if (endState != NOT_ENDED) {
        return;
      }
      endEpochNanos = epochNanos;
      endingThread = Thread.currentThread();
      endState = ENDING;
    }
    ExtendedSpanProcessor ending = provider.endingProcessor();
    if (ending != null) {
      ending.onEnding(this);
    }
    synchronized (this) {
      endState = ENDED;
      endingThread = null;
    }
    if (provider.endRequired()) {
      provider.processor().onEnd(this);
    }
  }

  @Override
  public boolean isRecording() {
    return endState != ENDED;
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parentContext;
  }

  @Override
  public synchronized String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public boolean hasEnded() {
    return endState == ENDED;
  }

  @Override
  public synchronized long getLatencyNanos() {
    return (endState == NOT_ENDED ? clock.now() : endEpochNanos) - startEpochNanos;
  }

  @Override
  public synchronized <T> T getAttribute(AttributeKey<T> key) {
    return attributes == null ? null : attributes.get(key);
  }

  @Override
  public synchronized Attributes getAttributes() {
    return attributes == null ? Attributes.empty() : attributes.copy();
  }

  @Override
  @SuppressWarnings("deprecation") // part of the interface
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion(), scope.getSchemaUrl());
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public synchronized SpanData toSpanData() {
    // Once ended the attributes no longer change: the array itself, as the SDK hands out its map.
    Attributes data = attributes == null ? Attributes.empty() : endState == ENDED ? attributes : attributes.copy();
    return new FlatSpanData(this, name, data,
        attributes == null ? 0 : attributes.totalAdded(), copy(events), eventsAdded, copy(links), linksAdded,
        status, endEpochNanos, endState == ENDED);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null || list.isEmpty() ? Collections.emptyList() : Collections.unmodifiableList(new ArrayList<>(list));
  }

  // Read by the OTLP encoder once the span has ended (nothing changes then), without the lock.

  public Resource resource() {
    return provider.state().resource();
  }

  public String endedName() {
    return name;
  }

  public long startEpochNanos() {
    return startEpochNanos;
  }

  public long endEpochNanos() {
    return endEpochNanos;
  }

  /** The attributes as set, or null when none was. */
  public AttributeArray attributeArray() {
    return attributes;
  }

  /** Attributes set, including those dropped by the limit and replacements (the SDK's count). */
  public int totalAttributeCount() {
    return attributes == null ? 0 : attributes.totalAdded();
  }

  public List<EventData> events() {
    return events == null ? Collections.emptyList() : events;
  }

  public int totalRecordedEvents() {
    return eventsAdded;
  }

  public List<LinkData> links() {
    return links == null ? Collections.emptyList() : links;
  }

  public int totalRecordedLinks() {
    return linksAdded;
  }

  public StatusData status() {
    return status;
  }

  @Override
  public String toString() {
    return "FlatSpan{" + context.getTraceId() + "/" + context.getSpanId() + " " + getName() + "}";
  }
}
