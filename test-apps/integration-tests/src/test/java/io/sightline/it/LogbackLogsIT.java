package io.sightline.it;

/** Logback (through SLF4J) and java.util.logging in one app. */
class LogbackLogsIT extends AbstractLogsIT {
  @Override
  String module() {
    return "logback-app";
  }

  @Override
  String expectedLookups(String traceId, String spanId, String requestId) {
    return "mdc trace_id=" + traceId + " span_id=" + spanId + " request_id=" + requestId + " copy_trace_id=" + traceId;
  }
}
