package io.sightline.it;

/**
 * The logs suite on Logback 1.2 with SLF4J 1.7, the versions of Spring Boot 2.x: its
 * {@code OutputStreamAppender} encodes in {@code subAppend} (no {@code writeOut}), and its
 * {@code LoggingEvent} and MDC adapter differ from 1.3+.
 */
class Logback12LogsIT extends AbstractLogsIT {
  @Override
  String module() {
    return "logback12-app";
  }

  @Override
  String expectedLookups(String traceId, String spanId, String requestId) {
    return "mdc trace_id=" + traceId + " span_id=" + spanId + " request_id=" + requestId + " copy_trace_id=" + traceId;
  }
}
