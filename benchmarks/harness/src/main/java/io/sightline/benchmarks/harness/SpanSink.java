package io.sightline.benchmarks.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
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
 * exports. Decoding with the official classes proves every batch is well-formed.
 */
final class SpanSink implements AutoCloseable {
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
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange));
      long counted = 0;
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            if (!isStatsCall(span)) {
              counted++;
            }
          }
        }
      }
      spans.addAndGet(counted);
      ok(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    } catch (IOException | RuntimeException e) {
      rejected.incrementAndGet();
      exchange.sendResponseHeaders(400, -1);
    }
  }

  private static boolean isStatsCall(Span span) {
    if (span.getKind() != Span.SpanKind.SPAN_KIND_SERVER) {
      return false;
    }
    for (KeyValue attribute : span.getAttributesList()) {
      if (attribute.getKey().equals("url.path")) {
        return attribute.getValue().getStringValue().startsWith("/stats");
      }
    }
    return span.getName().contains("/stats");
  }

  private void logs(HttpExchange exchange) throws IOException {
    try (exchange) {
      ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body(exchange));
      long counted = 0;
      for (ResourceLogs resource : request.getResourceLogsList()) {
        for (ScopeLogs scope : resource.getScopeLogsList()) {
          counted += scope.getLogRecordsCount();
        }
      }
      logRecords.addAndGet(counted);
      ok(exchange, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
    } catch (IOException | RuntimeException e) {
      rejected.incrementAndGet();
      exchange.sendResponseHeaders(400, -1);
    }
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

  @Override
  public void close() {
    server.stop(0);
  }
}
