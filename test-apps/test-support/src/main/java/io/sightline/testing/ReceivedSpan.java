package io.sightline.testing;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.Map;

/** One span as received over OTLP, with its resource and scope. */
public record ReceivedSpan(Resource resource, InstrumentationScope scope, Span span) {
  public String name() {
    return span.getName();
  }

  public Span.SpanKind kind() {
    return span.getKind();
  }

  public String traceId() {
    return Otlp.hex(span.getTraceId());
  }

  public String spanId() {
    return Otlp.hex(span.getSpanId());
  }

  /** Hex parent span id, or the empty string for a root span. */
  public String parentSpanId() {
    return Otlp.hex(span.getParentSpanId());
  }

  public Map<String, Object> attributes() {
    return Otlp.attributes(span.getAttributesList());
  }

  public Object attribute(String key) {
    return attributes().get(key);
  }

  public Map<String, Object> resourceAttributes() {
    return Otlp.attributes(resource.getAttributesList());
  }

  public Status.StatusCode statusCode() {
    return span.getStatus().getCode();
  }

  public double durationMillis() {
    return (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6;
  }

  @Override
  public String toString() {
    return kind() + " '" + name() + "' trace=" + traceId() + " span=" + spanId() + " parent=" + parentSpanId()
        + " " + attributes();
  }
}
