package io.sightline.agent.records;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/** An immutable copy of a {@link FlatSpan}, for processors and exporters that take {@link SpanData}. */
final class FlatSpanData implements SpanData {
  private final FlatSpan span;
  private final String name;
  private final Attributes attributes;
  private final int totalAttributeCount;
  private final List<EventData> events;
  private final int totalRecordedEvents;
  private final List<LinkData> links;
  private final int totalRecordedLinks;
  private final StatusData status;
  private final long endEpochNanos;
  private final boolean ended;

  FlatSpanData(FlatSpan span, String name, Attributes attributes, int totalAttributeCount, List<EventData> events,
      int totalRecordedEvents, List<LinkData> links, int totalRecordedLinks, StatusData status, long endEpochNanos,
      boolean ended) {
    this.span = span;
    this.name = name;
    this.attributes = attributes;
    this.totalAttributeCount = totalAttributeCount;
    this.events = events;
    this.totalRecordedEvents = totalRecordedEvents;
    this.links = links;
    this.totalRecordedLinks = totalRecordedLinks;
    this.status = status;
    this.endEpochNanos = endEpochNanos;
    this.ended = ended;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return span.getKind();
  }

  @Override
  public SpanContext getSpanContext() {
    return span.getSpanContext();
  }

  @Override
  public SpanContext getParentSpanContext() {
    return span.getParentSpanContext();
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return span.startEpochNanos();
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public boolean hasEnded() {
    return ended;
  }

  @Override
  public int getTotalRecordedEvents() {
    return totalRecordedEvents;
  }

  @Override
  public int getTotalRecordedLinks() {
    return totalRecordedLinks;
  }

  @Override
  public int getTotalAttributeCount() {
    return totalAttributeCount;
  }

  @Override
  @SuppressWarnings("deprecation") // part of the interface
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return span.getInstrumentationLibraryInfo();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return span.getInstrumentationScopeInfo();
  }

  @Override
  public Resource getResource() {
    return span.resource();
  }

  @Override
  public String toString() {
    return "SpanData{name=" + name + ", context=" + getSpanContext() + ", kind=" + getKind() + ", status=" + status
        + ", attributes=" + attributes + ", events=" + events + ", links=" + links + "}";
  }
}
