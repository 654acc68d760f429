package io.sightline.agent.diagnose;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes OTLP-JSON lines the way the otlp-file exporter does: spans in batches (a trace's children,
 * which end first, before its SERVER span), one {@code resourceSpans} request a line, intValue as
 * a string, kind as an integer, times as string nanoseconds.
 */
final class OtlpFixture {
  static final long BASE_NANOS = 1_700_000_000_000_000_000L;
  private static final JsonFactory JSON = new JsonFactory();

  private final List<Span> spans = new ArrayList<>();
  private final List<String> lines = new ArrayList<>();
  private long traces;
  private long spanIds;

  /** A new trace id: 32 hex digits counting from 1. */
  String newTraceId() {
    return String.format("%032x", ++traces);
  }

  static String traceId(long n) {
    return String.format("%032x", n);
  }

  /** A SERVER span starting {@code startMs} after the base time. */
  Span server(String service, String traceId, String name, double startMs, double endMs) {
    return add(new Span(service, traceId, null, 2, name, startMs, endMs));
  }

  final class Span {
    final String service;
    final String traceId;
    final String spanId;
    final String parentSpanId;
    final int kind;
    final String name;
    final double startMs;
    final double endMs;
    final Map<String, Object> attributes = new LinkedHashMap<>();
    boolean error;
    String statusMessage;

    Span(String service, String traceId, String parentSpanId, int kind, String name, double startMs, double endMs) {
      this.service = service;
      this.traceId = traceId;
      this.spanId = String.format("%016x", ++spanIds);
      this.parentSpanId = parentSpanId;
      this.kind = kind;
      this.name = name;
      this.startMs = startMs;
      this.endMs = endMs;
    }

    /** A child span; times are absolute (ms after the base time), like the parent's. */
    Span child(int kind, String name, double startMs, double endMs) {
      return add(new Span(service, traceId, spanId, kind, name, startMs, endMs));
    }

    /** A CLIENT HTTP call to {@code host}. */
    Span http(String method, String host, double startMs, double endMs) {
      return child(3, method, startMs, endMs).attr("http.request.method", method).attr("server.address", host)
          .attr("url.full", "https://" + host + "/charges").attr("server.port", 443L);
    }

    Span db(String system, String operation, String collection, double startMs, double endMs) {
      return child(3, operation + " " + collection, startMs, endMs).attr("db.system.name", system)
          .attr("db.operation.name", operation).attr("db.collection.name", collection);
    }

    Span attr(String key, Object value) {
      attributes.put(key, value);
      return this;
    }

    Span error(String message) {
      error = true;
      statusMessage = message;
      return this;
    }
  }

  private Span add(Span span) {
    spans.add(span);
    return span;
  }

  /** Writes the spans added since the last flush, {@code perLine} spans a line, each trace's spans by end time. */
  OtlpFixture flushSpans(int perLine) {
    List<Span> ordered = new ArrayList<>(spans);
    Map<String, Integer> traceOrder = new LinkedHashMap<>();
    for (Span span : ordered) {
      traceOrder.putIfAbsent(span.traceId, traceOrder.size());
    }
    ordered.sort(Comparator.comparingInt((Span s) -> traceOrder.get(s.traceId)).thenComparingDouble(s -> s.endMs));
    for (int i = 0; i < ordered.size(); i += perLine) {
      lines.add(spansLine(ordered.subList(i, Math.min(ordered.size(), i + perLine))));
    }
    spans.clear();
    return this;
  }

  OtlpFixture rawLine(String line) {
    lines.add(line);
    return this;
  }

  /** A metrics line with one histogram, in seconds, cumulative. */
  OtlpFixture waitTimeHistogram(String pool, long count, double sumSeconds, double maxSeconds, double timeMs) {
    return rawLine(metricsLine("db.client.connection.wait_time", "s", "histogram",
        "{\"attributes\":[" + stringAttr("db.client.connection.pool.name", pool) + "],\"startTimeUnixNano\":\"" + BASE_NANOS
            + "\",\"timeUnixNano\":\"" + nanos(timeMs) + "\",\"count\":\"" + count + "\",\"sum\":" + sumSeconds
            + ",\"bucketCounts\":[\"" + count + "\"],\"explicitBounds\":[],\"max\":" + maxSeconds + "}"));
  }

  /** A metrics line with one pending_requests point. */
  OtlpFixture pendingRequests(String pool, long value, double timeMs) {
    return rawLine(metricsLine("db.client.connection.pending_requests", "{request}", "sum",
        "{\"attributes\":[" + stringAttr("db.client.connection.pool.name", pool) + "],\"startTimeUnixNano\":\"" + BASE_NANOS
            + "\",\"timeUnixNano\":\"" + nanos(timeMs) + "\",\"asInt\":\"" + value + "\"}"));
  }

  private static String metricsLine(String name, String unit, String type, String point) {
    String temporality = "gauge".equals(type) ? "" : ",\"aggregationTemporality\":2";
    return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[" + stringAttr("service.name", "checkout")
        + "]},\"scopeMetrics\":[{\"scope\":{\"name\":\"io.sightline\"},\"metrics\":[{\"name\":\"" + name
        + "\",\"unit\":\"" + unit + "\",\"" + type + "\":{\"dataPoints\":[" + point + "]" + temporality + "}}]}]}]}";
  }

  private static String stringAttr(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  Path write(Path file) {
    try {
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static long nanos(double ms) {
    return BASE_NANOS + Math.round(ms * 1_000_000);
  }

  private static String spansLine(List<Span> batch) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("resourceSpans");
      Map<String, List<Span>> byService = new LinkedHashMap<>();
      for (Span span : batch) {
        byService.computeIfAbsent(span.service, k -> new ArrayList<>()).add(span);
      }
      for (Map.Entry<String, List<Span>> e : byService.entrySet()) {
        g.writeStartObject();
        g.writeObjectFieldStart("resource");
        g.writeArrayFieldStart("attributes");
        writeAttribute(g, "service.name", e.getKey());
        writeAttribute(g, "telemetry.sdk.language", "java");
        g.writeEndArray();
        g.writeEndObject();
        g.writeArrayFieldStart("scopeSpans");
        g.writeStartObject();
        g.writeObjectFieldStart("scope");
        g.writeStringField("name", "io.sightline");
        g.writeEndObject();
        g.writeArrayFieldStart("spans");
        for (Span span : e.getValue()) {
          writeSpan(g, span);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeSpan(JsonGenerator g, Span span) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceId", span.traceId);
    g.writeStringField("spanId", span.spanId);
    if (span.parentSpanId != null) {
      g.writeStringField("parentSpanId", span.parentSpanId);
    }
    g.writeStringField("name", span.name);
    g.writeNumberField("kind", span.kind);
    g.writeStringField("startTimeUnixNano", Long.toString(nanos(span.startMs)));
    g.writeStringField("endTimeUnixNano", Long.toString(nanos(span.endMs)));
    g.writeArrayFieldStart("attributes");
    for (Map.Entry<String, Object> a : span.attributes.entrySet()) {
      writeAttribute(g, a.getKey(), a.getValue());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("events");
    g.writeEndArray();
    g.writeArrayFieldStart("links");
    g.writeEndArray();
    g.writeObjectFieldStart("status");
    if (span.error) {
      if (span.statusMessage != null) {
        g.writeStringField("message", span.statusMessage);
      }
      g.writeNumberField("code", 2);
    }
    g.writeEndObject();
    g.writeNumberField("flags", 257);
    g.writeEndObject();
  }

  private static void writeAttribute(JsonGenerator g, String key, Object value) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    g.writeObjectFieldStart("value");
    if (value instanceof Long || value instanceof Integer) {
      g.writeStringField("intValue", value.toString());
    } else if (value instanceof Double) {
      g.writeNumberField("doubleValue", (Double) value);
    } else if (value instanceof Boolean) {
      g.writeBooleanField("boolValue", (Boolean) value);
    } else if (value instanceof List) {
      g.writeObjectFieldStart("arrayValue");
      g.writeArrayFieldStart("values");
      for (Object element : (List<?>) value) {
        g.writeStartObject();
        g.writeStringField("stringValue", element.toString());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } else {
      g.writeStringField("stringValue", value.toString());
    }
    g.writeEndObject();
    g.writeEndObject();
  }
}
