package io.sightline.agent.diagnose;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/** The report as one JSON object (durations in milliseconds, shares as fractions of 1). */
final class JsonReport {
  private JsonReport() {}

  static void write(Diagnosis d, Writer writer) throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(writer)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("file", d.file.toString());
      OtlpJsonLines.Summary s = d.summary;
      g.writeNumberField("lines", s.lines);
      g.writeNumberField("spanLines", s.spanLines);
      g.writeNumberField("metricLines", s.metricLines);
      g.writeNumberField("logLines", s.logLines);
      g.writeNumberField("spans", s.spans);
      g.writeNumberField("malformedLines", s.malformed);

      g.writeArrayFieldStart("routes");
      for (RouteStats r : d.routes) {
        g.writeStartObject();
        g.writeStringField("service", r.service);
        g.writeStringField("route", r.route);
        g.writeNumberField("requests", r.count());
        g.writeNumberField("errors", r.errors());
        g.writeNumberField("errorRate", r.errorRate());
        Map.Entry<String, Long> topError = r.topErrorType();
        if (topError != null) {
          g.writeStringField("topErrorType", topError.getKey());
          g.writeNumberField("topErrorTypeCount", topError.getValue());
        }
        g.writeNumberField("p50Ms", Durations.millis(r.percentile(50)));
        g.writeNumberField("p99Ms", Durations.millis(r.percentile(99)));
        g.writeNumberField("maxMs", Durations.millis(r.max()));
        g.writeEndObject();
      }
      g.writeEndArray();

      g.writeArrayFieldStart("slowRequests");
      for (SlowRequests slow : d.slowRoutes) {
        writeSlowRoute(d, slow, g);
      }
      g.writeEndArray();

      g.writeArrayFieldStart("slowestOverall");
      for (RequestBreakdown request : d.slowestOverall) {
        g.writeStartObject();
        g.writeStringField("traceId", request.root.traceId);
        g.writeStringField("spanId", request.root.spanId);
        g.writeStringField("service", request.root.service);
        g.writeStringField("route", request.route);
        g.writeNumberField("durationMs", Durations.millis(request.durationNanos()));
        g.writeBooleanField("error", request.root.error);
        Operation top = request.top();
        if (top != null) {
          g.writeObjectFieldStart("topOperation");
          writeOperation(g, top);
          g.writeNumberField("share", request.nanos(top) / Math.max(1, request.durationNanos()));
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();

      g.writeArrayFieldStart("connectionPools");
      for (PoolMetrics.Pool pool : d.pools.pools()) {
        g.writeStartObject();
        g.writeStringField("pool", pool.name);
        g.writeNumberField("waits", pool.waits);
        g.writeNumberField("waitMs", Durations.millis(pool.waitNanos));
        optional(g, "maxWaitMs", pool.maxWaitNanos < 0 ? -1 : Durations.millis(pool.maxWaitNanos));
        optional(g, "pendingPeak", pool.pendingPeak);
        optional(g, "inUsePeak", pool.usedPeak);
        optional(g, "maxSize", pool.max);
        g.writeEndObject();
      }
      g.writeEndArray();

      SlowRequests top = d.topCause();
      if (top != null) {
        g.writeStringField("topCause", top.cause());
        writeStrings(g, "exampleTraceIds", top);
      }
      g.writeNumberField("droppedSpans", d.droppedSpans);
      g.writeEndObject();
    }
    writer.write(System.lineSeparator());
  }

  private static void writeSlowRoute(Diagnosis d, SlowRequests slow, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("service", slow.route.service);
    g.writeStringField("route", slow.route.route);
    g.writeStringField("scope", slow.scope());
    g.writeNumberField("requests", slow.requests.size());
    g.writeNumberField("ofRequests", slow.route.count());
    g.writeNumberField("fastestMs", Durations.millis(slow.requests.get(slow.requests.size() - 1).durationNanos()));
    g.writeNumberField("slowestMs", Durations.millis(slow.requests.get(0).durationNanos()));
    g.writeNumberField("totalMs", Durations.millis(slow.totalNanos));
    g.writeArrayFieldStart("operations");
    for (Map.Entry<Operation, Double> e : slow.nanos.entrySet()) {
      g.writeStartObject();
      writeOperation(g, e.getKey());
      g.writeNumberField("calls", slow.calls.getOrDefault(e.getKey(), 0L));
      g.writeNumberField("timeMs", Durations.millis(e.getValue()));
      g.writeNumberField("share", slow.share(e.getKey()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("downstreamShare", slow.downstreamShare());
    g.writeArrayFieldStart("httpServers");
    for (SlowRequests.CallStats c : slow.httpServers.values()) {
      g.writeStartObject();
      g.writeStringField("serverAddress", c.serverAddress);
      g.writeNumberField("calls", c.calls);
      g.writeNumberField("maxCallsPerRequest", c.maxCallsPerRequest);
      g.writeNumberField("failed", c.errors);
      g.writeNumberField("timedOut", c.timeouts);
      g.writeNumberField("medianTimeoutMs", Durations.millis(c.medianTimeoutNanos()));
      g.writeNumberField("maxRetries", c.maxRetries);
      g.writeNumberField("requestsRetrying", c.requestsRetried);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("poolWaits");
    g.writeBooleanField("visibleInSpans", slow.poolWaitCalls() > 0);
    g.writeNumberField("waits", slow.poolWaitCalls());
    g.writeNumberField("timeMs", Durations.millis(slow.poolWaitNanos()));
    g.writeStringField("summary", TextReport.poolWaits(d, slow));
    g.writeEndObject();
    g.writeStringField("cause", slow.cause());
    writeStrings(g, "exampleTraceIds", slow);
    g.writeEndObject();
  }

  private static void writeOperation(JsonGenerator g, Operation operation) throws IOException {
    g.writeStringField("type", operation.type.id);
    g.writeStringField("name", operation.name);
  }

  private static void writeStrings(JsonGenerator g, String field, SlowRequests slow) throws IOException {
    g.writeArrayFieldStart(field);
    for (String id : slow.exampleTraceIds()) {
      g.writeString(id);
    }
    g.writeEndArray();
  }

  private static void optional(JsonGenerator g, String field, double value) throws IOException {
    if (value >= 0) {
      g.writeNumberField(field, value);
    }
  }
}
