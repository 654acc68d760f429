package io.sightline.it;

/** The Log4j2 API and core, and java.util.logging, in one app. */
class Log4jLogsIT extends AbstractLogsIT {
  @Override
  String module() {
    return "log4j-app";
  }

  @Override
  String expectedLookups(String traceId, String spanId, String requestId) {
    return "mdc trace_id=" + traceId + " span_id=" + spanId + " request_id=" + requestId;
  }
}
