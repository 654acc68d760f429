package io.sightline.testing;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Map;

/** One log record as received over OTLP, with its resource and scope. */
public record ReceivedLog(Resource resource, InstrumentationScope scope, LogRecord log) {
  public String body() {
    Object value = Otlp.value(log.getBody());
    return value == null ? null : value.toString();
  }

  public String traceId() {
    return Otlp.hex(log.getTraceId());
  }

  public String spanId() {
    return Otlp.hex(log.getSpanId());
  }

  public Map<String, Object> attributes() {
    return Otlp.attributes(log.getAttributesList());
  }

  @Override
  public String toString() {
    return log.getSeverityText() + " " + scope.getName() + ": " + body() + " trace=" + traceId() + " span=" + spanId();
  }
}
