package io.sightline.benchmarks.harness;

import com.google.protobuf.CodedInputStream;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP (protobuf) receiver that only counts: spans (leaving out the SERVER spans of the
 * harness's own {@code /stats} calls, which are not part of the workload), log records and metric
 * exports, by a walk of the protobuf wire format that rejects a malformed batch.
 */
final class SpanSink implements AutoCloseable {
  private static final int LEN_1 = tag(1, 2);
  private static final int LEN_2 = tag(2, 2);
  private static final int LEN_5 = tag(5, 2);
  private static final int LEN_9 = tag(9, 2);
  private static final int VARINT_6 = tag(6, 0);
  private static final int SPAN_KIND_SERVER = 2;
  private static final byte[] TRACES_OK = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
  private static final byte[] LOGS_OK = ExportLogsServiceResponse.getDefaultInstance().toByteArray();

  private final HttpServer server;
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong logRecords = new AtomicLong();
  private final AtomicLong metricExports = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  SpanSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.createContext("/v1/traces", this::traces);
    server.createContext("/v1/logs", this::logs);
    server.createContext("/v1/metrics", this::metrics);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "span-sink");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  long spans() {
    return spans.get();
  }

  long logRecords() {
    return logRecords.get();
  }

  long metricExports() {
    return metricExports.get();
  }

  long rejected() {
    return rejected.get();
  }

  void reset() {
    spans.set(0);
    logRecords.set(0);
    metricExports.set(0);
    rejected.set(0);
  }

  private void traces(HttpExchange exchange) throws IOException {
    try (exchange) {
      spans.addAndGet(countSpans(body(exchange)));
      ok(exchange, TRACES_OK);
    } catch (IOException | RuntimeException e) {
      rejected.incrementAndGet();
      exchange.sendResponseHeaders(400, -1);
    }
  }

  private void logs(HttpExchange exchange) throws IOException {
    try (exchange) {
      logRecords.addAndGet(countLogRecords(body(exchange)));
      ok(exchange, LOGS_OK);
    } catch (IOException | RuntimeException e) {
      rejected.incrementAndGet();
      exchange.sendResponseHeaders(400, -1);
    }
  }

  // The counting walks the protobuf wire format instead of building the official message objects:
  // under a CPU-bound load the sink shares the app's 2 cores, and a full decode of ~50,000 spans/s
  // would take a share that grows with the spans an agent delivers (penalising the one that drops
  // none). The walk still rejects a malformed batch. SpanSinkTest checks it against the official
  // classes. Field numbers: opentelemetry/proto/{collector,trace,logs,common}/v1.

  /** ExportTraceServiceRequest.resource_spans(1) > ResourceSpans.scope_spans(2) > ScopeSpans.spans(2). */
  static long countSpans(byte[] request) throws IOException {
    return countScopeItems(request, span -> !isStatsCall(span));
  }

  /** ExportLogsServiceRequest.resource_logs(1) > ResourceLogs.scope_logs(2) > ScopeLogs.log_records(2). */
  static long countLogRecords(byte[] request) throws IOException {
    return countScopeItems(request, logRecord -> true);
  }

  /** Decides on one item (a span, a log record) read from its own limit; may leave it unread. */
  private interface ItemFilter {
    boolean counts(CodedInputStream item) throws IOException;
  }

  /**
   * Both requests have the same shape: field 1 per resource, in it field 2 per scope, in it field 2
   * per item. Counts the items the filter accepts.
   */
  private static long countScopeItems(byte[] request, ItemFilter filter) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(request);
    long counted = 0;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag != LEN_1) {
        in.skipField(tag);
        continue;
      }
      int resource = in.pushLimit(in.readRawVarint32());
      for (int t; (t = in.readTag()) != 0; ) {
        if (t != LEN_2) {
          in.skipField(t);
          continue;
        }
        int scope = in.pushLimit(in.readRawVarint32());
        for (int u; (u = in.readTag()) != 0; ) {
          if (u != LEN_2) {
            in.skipField(u);
            continue;
          }
          int item = in.pushLimit(in.readRawVarint32());
          if (filter.counts(in)) {
            counted++;
          }
          in.skipRawBytes(in.getBytesUntilLimit());
          in.popLimit(item);
        }
        in.popLimit(scope);
      }
      in.popLimit(resource);
    }
    return counted;
  }

  /**
   * Span.kind(6) is SERVER(2) and its url.path attribute (attributes(9) > KeyValue key(1), value(2)
   * > AnyValue.string_value(1)) starts with /stats: one of the harness's own calls, not workload.
   * Reads the span to its end.
   */
  private static boolean isStatsCall(CodedInputStream span) throws IOException {
    boolean server = false;
    boolean statsPath = false;
    boolean statsName = false;
    boolean hasPath = false;
    for (int tag; (tag = span.readTag()) != 0; ) {
      if (tag == VARINT_6) {
        server = span.readEnum() == SPAN_KIND_SERVER;
      } else if (tag == LEN_5) {
        statsName = span.readStringRequireUtf8().contains("/stats");
      } else if (tag == LEN_9) {
        int attribute = span.pushLimit(span.readRawVarint32());
        String key = null;
        for (int t; (t = span.readTag()) != 0; ) {
          if (t == LEN_1) {
            key = span.readStringRequireUtf8();
          } else if (t == LEN_2 && "url.path".equals(key)) {
            int value = span.pushLimit(span.readRawVarint32());
            for (int u; (u = span.readTag()) != 0; ) {
              if (u == LEN_1) {
                hasPath = true;
                statsPath = span.readStringRequireUtf8().startsWith("/stats");
              } else {
                span.skipField(u);
              }
            }
            span.popLimit(value);
          } else {
            span.skipField(t);
          }
        }
        span.popLimit(attribute);
      } else {
        span.skipField(tag);
      }
    }
    return server && (hasPath ? statsPath : statsName);
  }

  private void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      body(exchange);
      metricExports.incrementAndGet();
      ok(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
    }
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }

  private static void ok(HttpExchange exchange, byte[] response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, response.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response);
    }
  }

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
