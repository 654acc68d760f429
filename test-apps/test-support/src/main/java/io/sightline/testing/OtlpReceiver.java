package io.sightline.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP receiver on a free loopback port: accepts {@code /v1/traces},
 * {@code /v1/metrics} and {@code /v1/logs} in protobuf (optionally gzip), decodes them with the
 * official {@code opentelemetry-proto} classes and keeps everything for assertions.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<ReceivedMetric> metrics = new CopyOnWriteArrayList<>();
  private final List<ReceivedLog> logs = new CopyOnWriteArrayList<>();
  private final List<String> userAgents = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  public static OtlpReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      OtlpReceiver receiver = new OtlpReceiver(server);
      server.createContext("/v1/traces", receiver::traces);
      server.createContext("/v1/metrics", receiver::metrics);
      server.createContext("/v1/logs", receiver::logs);
      server.setExecutor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "otlp-receiver");
        t.setDaemon(true);
        return t;
      }));
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base endpoint, for {@code otel.exporter.otlp.endpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<ReceivedSpan> spans() {
    return new ArrayList<>(spans);
  }

  public List<ReceivedMetric> metrics() {
    return new ArrayList<>(metrics);
  }

  public List<ReceivedLog> logs() {
    return new ArrayList<>(logs);
  }

  /** Number of export requests received, of any signal. */
  public int requestCount() {
    return requests.get();
  }

  public List<String> userAgents() {
    return new ArrayList<>(userAgents);
  }

  public void reset() {
    spans.clear();
    metrics.clear();
    logs.clear();
  }

  /** Waits until the received spans satisfy the condition, and returns them. */
  public List<ReceivedSpan> awaitSpans(Predicate<List<ReceivedSpan>> condition, Duration timeout) {
    return Wait.until(this::spans, condition, timeout, "spans");
  }

  /** Waits until at least {@code count} spans matching {@code filter} arrived; returns those. */
  public List<ReceivedSpan> awaitSpans(Predicate<ReceivedSpan> filter, int count, Duration timeout) {
    return Wait.until(() -> spans.stream().filter(filter).toList(), l -> l.size() >= count, timeout,
        count + " matching spans");
  }

  public List<ReceivedMetric> awaitMetrics(Predicate<List<ReceivedMetric>> condition, Duration timeout) {
    return Wait.until(this::metrics, condition, timeout, "metrics");
  }

  public List<ReceivedLog> awaitLogs(Predicate<List<ReceivedLog>> condition, Duration timeout) {
    return Wait.until(this::logs, condition, timeout, "logs");
  }

  private void traces(HttpExchange exchange) throws IOException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange));
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          spans.add(new ReceivedSpan(rs.getResource(), ss.getScope(), span));
        }
      }
    }
    reply(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
  }

  private void metrics(HttpExchange exchange) throws IOException {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body(exchange));
    long now = System.nanoTime();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric metric : sm.getMetricsList()) {
          metrics.add(new ReceivedMetric(rm.getResource(), sm.getScope(), metric, now));
        }
      }
    }
    reply(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
  }

  private void logs(HttpExchange exchange) throws IOException {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body(exchange));
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          logs.add(new ReceivedLog(rl.getResource(), sl.getScope(), log));
        }
      }
    }
    reply(exchange, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
  }

  private byte[] body(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    String agent = exchange.getRequestHeaders().getFirst("User-Agent");
    if (agent != null) {
      userAgents.add(agent);
    }
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    try (InputStream body = in) {
      return body.readAllBytes();
    }
  }

  private static void reply(HttpExchange exchange, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
