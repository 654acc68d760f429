package io.sightline.agent.diagnose;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Streams a file of OTLP-JSON lines (what the {@code otlp-file} exporter and the Collector's file
 * exporter write: one {@code resourceSpans}, {@code resourceMetrics} or {@code resourceLogs}
 * export request per line). Only one line is held at a time; a line is parsed completely before
 * any of its spans is handed over, so a malformed (for example truncated) line contributes nothing.
 */
final class OtlpJsonLines {
  /** The span attributes the diagnosis uses; all others are skipped while parsing. */
  static final Set<String> SPAN_ATTRIBUTES = new HashSet<>(Arrays.asList(
      "http.route", "http.request.method", "http.request.resend_count", "server.address", "url.full", "error.type",
      "db.system.name", "db.system", "db.operation.name", "db.operation", "db.collection.name", "db.sql.table",
      "db.query.summary", "db.client.connection.pool.name", "db.client.connection.wait_time", "pool.name"));

  private static final Set<String> RESOURCE_ATTRIBUTES = Set.of("service.name");
  private static final Set<String> EVENT_ATTRIBUTES = Set.of("exception.type", "exception.message");
  private static final Set<String> POINT_ATTRIBUTES = Set.of("db.client.connection.pool.name", "pool.name",
      "db.client.connection.state", "state");
  private static final JsonFactory JSON = new JsonFactory();

  interface Listener {
    void span(SpanData span);

    default void metric(MetricPoint point) {}
  }

  /** What one pass saw. */
  static final class Summary {
    long lines;
    long spanLines;
    long metricLines;
    long logLines;
    long spans;
    long logRecords;
    long malformed;
    long firstMalformedLine;
    String firstMalformedReason = "";
  }

  private final boolean withMetrics;
  private final Predicate<String> traces;
  private final List<SpanData> lineSpans = new ArrayList<>();
  private final List<MetricPoint> linePoints = new ArrayList<>();
  private long lineLogRecords;

  private OtlpJsonLines(boolean withMetrics, Predicate<String> traces) {
    this.withMetrics = withMetrics;
    this.traces = traces;
  }

  /** Reads every line of {@code file}; metric points are parsed only when {@code withMetrics}. */
  static Summary read(Path file, boolean withMetrics, Listener listener) throws IOException {
    return read(file, withMetrics, traceId -> true, listener);
  }

  /**
   * Like {@link #read(Path, boolean, Listener)}, but only spans whose trace id passes {@code traces}
   * are handed over (the others are skipped without parsing their attributes when, as exporters
   * write it, the trace id comes first).
   */
  static Summary read(Path file, boolean withMetrics, Predicate<String> traces, Listener listener) throws IOException {
    OtlpJsonLines reader = new OtlpJsonLines(withMetrics, traces);
    Summary summary = new Summary();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        summary.lines++;
        if (line.isBlank()) {
          continue;
        }
        int kind;
        try {
          kind = reader.parseLine(line);
        } catch (IOException | RuntimeException e) {
          summary.malformed++;
          if (summary.firstMalformedLine == 0) {
            summary.firstMalformedLine = summary.lines;
            summary.firstMalformedReason = firstLine(e.getMessage());
          }
          continue;
        }
        if (kind == 0) {
          summary.spanLines++;
        } else if (kind == 1) {
          summary.metricLines++;
        } else {
          summary.logLines++;
        }
        summary.spans += reader.lineSpans.size();
        summary.logRecords += reader.lineLogRecords;
        for (SpanData span : reader.lineSpans) {
          listener.span(span);
        }
        for (MetricPoint point : reader.linePoints) {
          listener.metric(point);
        }
      }
    }
    return summary;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Parses one line into the line buffers; returns 0 (spans), 1 (metrics) or 2 (logs). */
  private int parseLine(String line) throws IOException {
    lineSpans.clear();
    linePoints.clear();
    lineLogRecords = 0;
    int kind = -1;
    try (JsonParser p = JSON.createParser(line)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if ("resourceSpans".equals(field)) {
          kind = 0;
          forEachElement(p, this::resourceSpans);
        } else if ("resourceMetrics".equals(field)) {
          kind = 1;
          if (withMetrics) {
            forEachElement(p, this::resourceMetrics);
          } else {
            p.skipChildren();
          }
        } else if ("resourceLogs".equals(field)) {
          kind = 2;
          forEachElement(p, this::resourceLogs);
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new IOException("unexpected content after the JSON object");
      }
    }
    if (kind < 0) {
      throw new IOException("not an OTLP export request (no resourceSpans, resourceMetrics or resourceLogs)");
    }
    return kind;
  }

  private void resourceSpans(JsonParser p) throws IOException {
    int first = lineSpans.size();
    String[] service = {""};
    forEachField(p, (field, q) -> {
      if ("resource".equals(field)) {
        service[0] = resourceServiceName(q);
      } else if ("scopeSpans".equals(field)) {
        forEachElement(q, scope -> forEachField(scope, (f, r) -> {
          if ("spans".equals(f)) {
            forEachElement(r, s -> {
              SpanData span = span(s);
              if (span != null) {
                lineSpans.add(span);
              }
            });
          } else {
            r.skipChildren();
          }
        }));
      } else {
        q.skipChildren();
      }
    });
    for (int i = first; i < lineSpans.size(); i++) {
      lineSpans.get(i).service = service[0];
    }
  }

  private static String resourceServiceName(JsonParser p) throws IOException {
    Map<String, String> attributes = new java.util.HashMap<>(2);
    forEachField(p, (field, q) -> {
      if ("attributes".equals(field)) {
        attributes(q, RESOURCE_ATTRIBUTES, attributes);
      } else {
        q.skipChildren();
      }
    });
    return attributes.getOrDefault("service.name", "");
  }

  /** The span, or null when its trace is not wanted. */
  private SpanData span(JsonParser p) throws IOException {
    SpanData span = new SpanData();
    boolean[] unwanted = {false};
    forEachField(p, (field, q) -> {
      if (unwanted[0]) {
        q.skipChildren();
        return;
      }
      switch (field) {
        case "traceId":
          span.traceId = text(q);
          unwanted[0] = !traces.test(span.traceId);
          break;
        case "spanId":
          span.spanId = text(q);
          break;
        case "parentSpanId":
          span.parentSpanId = text(q);
          break;
        case "name":
          span.name = text(q);
          break;
        case "kind":
          span.kind = kind(q);
          break;
        case "startTimeUnixNano":
          span.startNanos = q.getValueAsLong();
          break;
        case "endTimeUnixNano":
          span.endNanos = q.getValueAsLong();
          break;
        case "attributes":
          attributes(q, SPAN_ATTRIBUTES, span.attributes);
          break;
        case "events":
          forEachElement(q, event -> forEachField(event, (f, r) -> {
            if ("attributes".equals(f)) {
              attributes(r, EVENT_ATTRIBUTES, span.attributes);
            } else {
              r.skipChildren();
            }
          }));
          break;
        case "status":
          forEachField(q, (f, r) -> {
            if ("code".equals(f)) {
              span.error = r.currentToken() == JsonToken.VALUE_STRING
                  ? "STATUS_CODE_ERROR".equals(r.getText()) || "2".equals(r.getText())
                  : r.getValueAsInt() == 2;
            } else if ("message".equals(f)) {
              span.statusMessage = text(r);
            } else {
              r.skipChildren();
            }
          });
          break;
        default:
          q.skipChildren();
      }
    });
    return unwanted[0] ? null : span;
  }

  private static int kind(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      return p.getValueAsInt();
    }
    // The proto3 JSON mapping also allows enum names.
    switch (p.getText()) {
      case "SPAN_KIND_INTERNAL":
        return SpanData.INTERNAL;
      case "SPAN_KIND_SERVER":
        return SpanData.SERVER;
      case "SPAN_KIND_CLIENT":
        return SpanData.CLIENT;
      case "SPAN_KIND_PRODUCER":
        return SpanData.PRODUCER;
      case "SPAN_KIND_CONSUMER":
        return SpanData.CONSUMER;
      default:
        return p.getValueAsInt();
    }
  }

  private void resourceMetrics(JsonParser p) throws IOException {
    forEachField(p, (field, q) -> {
      if ("scopeMetrics".equals(field)) {
        forEachElement(q, scope -> forEachField(scope, (f, r) -> {
          if ("metrics".equals(f)) {
            forEachElement(r, this::metric);
          } else {
            r.skipChildren();
          }
        }));
      } else {
        q.skipChildren();
      }
    });
  }

  private void metric(JsonParser p) throws IOException {
    String[] nameAndUnit = {null, ""};
    List<MetricPoint> points = new ArrayList<>();
    forEachField(p, (field, q) -> {
      if ("name".equals(field)) {
        nameAndUnit[0] = text(q);
      } else if ("unit".equals(field)) {
        nameAndUnit[1] = text(q);
      } else if (("gauge".equals(field) || "sum".equals(field) || "histogram".equals(field))
          && (nameAndUnit[0] == null || PoolMetrics.isPoolMetric(nameAndUnit[0]))) {
        int[] temporality = {0};
        int first = points.size();
        forEachField(q, (f, r) -> {
          if ("dataPoints".equals(f)) {
            forEachElement(r, point -> points.add(point(point)));
          } else if ("aggregationTemporality".equals(f)) {
            temporality[0] = r.currentToken() == JsonToken.VALUE_STRING
                ? ("AGGREGATION_TEMPORALITY_DELTA".equals(r.getText()) ? MetricPoint.DELTA : 2)
                : r.getValueAsInt();
          } else {
            r.skipChildren();
          }
        });
        for (int i = first; i < points.size(); i++) {
          points.get(i).temporality = temporality[0];
        }
      } else {
        q.skipChildren();
      }
    });
    if (nameAndUnit[0] != null && PoolMetrics.isPoolMetric(nameAndUnit[0])) {
      for (MetricPoint point : points) {
        point.name = nameAndUnit[0];
        point.unit = nameAndUnit[1];
        linePoints.add(point);
      }
    }
  }

  private static MetricPoint point(JsonParser p) throws IOException {
    MetricPoint point = new MetricPoint();
    Map<String, String> attributes = new java.util.HashMap<>(4);
    forEachField(p, (field, q) -> {
      switch (field) {
        case "attributes":
          attributes(q, POINT_ATTRIBUTES, attributes);
          break;
        case "startTimeUnixNano":
          point.startNanos = q.getValueAsLong();
          break;
        case "timeUnixNano":
          point.timeNanos = q.getValueAsLong();
          break;
        case "asInt":
        case "asDouble":
          point.value = q.getValueAsDouble();
          break;
        case "count":
          point.count = q.getValueAsLong();
          break;
        case "sum":
          point.sum = q.getValueAsDouble();
          break;
        case "max":
          point.max = q.getValueAsDouble();
          break;
        default:
          q.skipChildren();
      }
    });
    point.pool = attributes.getOrDefault("db.client.connection.pool.name", attributes.getOrDefault("pool.name", ""));
    point.state = attributes.getOrDefault("db.client.connection.state", attributes.getOrDefault("state", ""));
    return point;
  }

  private void resourceLogs(JsonParser p) throws IOException {
    forEachField(p, (field, q) -> {
      if ("scopeLogs".equals(field)) {
        forEachElement(q, scope -> forEachField(scope, (f, r) -> {
          if ("logRecords".equals(f)) {
            forEachElement(r, record -> {
              lineLogRecords++;
              record.skipChildren();
            });
          } else {
            r.skipChildren();
          }
        }));
      } else {
        q.skipChildren();
      }
    });
  }

  /** {@code [{"key": k, "value": {"stringValue": ...}}]}; keeps the wanted keys with scalar values. */
  private static void attributes(JsonParser p, Set<String> wanted, Map<String, String> into) throws IOException {
    forEachElement(p, element -> {
      String[] keyValue = new String[2];
      forEachField(element, (field, q) -> {
        if ("key".equals(field)) {
          keyValue[0] = text(q);
        } else if ("value".equals(field)) {
          keyValue[1] = anyValue(q);
        } else {
          q.skipChildren();
        }
      });
      if (keyValue[0] != null && keyValue[1] != null && wanted.contains(keyValue[0])) {
        into.put(keyValue[0], keyValue[1]);
      }
    });
  }

  /** The text of a scalar AnyValue (intValue is a string in OTLP/JSON); null for arrays, maps and bytes. */
  private static String anyValue(JsonParser p) throws IOException {
    String[] value = {null};
    forEachField(p, (field, q) -> {
      if (q.currentToken().isScalarValue() && !"bytesValue".equals(field)) {
        value[0] = q.getValueAsString();
      } else {
        q.skipChildren();
      }
    });
    return value[0];
  }

  private static String text(JsonParser p) throws IOException {
    if (!p.currentToken().isScalarValue()) {
      p.skipChildren();
      return "";
    }
    String text = p.getValueAsString();
    return text == null ? "" : text;
  }

  private interface ElementReader {
    void read(JsonParser p) throws IOException;
  }

  private interface FieldReader {
    void read(String field, JsonParser p) throws IOException;
  }

  /** The parser is on START_ARRAY (or null); calls the reader with the parser on each element's first token. */
  private static void forEachElement(JsonParser p, ElementReader reader) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    expect(p.currentToken(), JsonToken.START_ARRAY, p);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == null) {
        throw new IOException("unexpected end of line");
      }
      reader.read(p);
    }
  }

  /** The parser is on START_OBJECT; calls the reader with the parser on each field's value. */
  private static void forEachField(JsonParser p, FieldReader reader) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    expect(p.currentToken(), JsonToken.START_OBJECT, p);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      reader.read(field, p);
    }
    expect(p.currentToken(), JsonToken.END_OBJECT, p);
  }

  private static void expect(JsonToken actual, JsonToken expected, JsonParser p) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + " but found " + actual + " at column "
          + p.currentLocation().getColumnNr());
    }
  }
}
