package io.sightline.agent.metrics;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.api.Suppression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * The Prometheus scrape endpoint: the OpenTelemetry {@link PrometheusMetricReader} (conversion,
 * exemplars, {@code target_info}) behind a small JDK HTTP server of our own rather than the
 * Prometheus client's, because that one sets JVM-wide {@code sun.net.httpserver.*} system
 * properties (which would change the application's own JDK server), answers a protobuf
 * {@code Accept} with a 500 when protobuf is not bundled, and serves more than metrics.
 *
 * <p>{@code GET|HEAD /metrics} (or {@code /}): OpenMetrics, with exemplars, when the
 * {@code Accept} header asks for it, else the Prometheus text format 0.0.4; gzip when accepted.
 * Anything else: 404 or 405. Two scrape threads and a short queue bound what a flood can cost.
 */
final class PrometheusEndpoint implements MetricReader {
  private static final int THREADS = 2;
  private static final int QUEUE = 16;

  private final PrometheusMetricReader reader;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final ExpositionFormatWriter text = PrometheusTextFormatWriter.builder().build();
  private final ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.builder().build();

  private PrometheusEndpoint(PrometheusMetricReader reader, HttpServer server, ThreadPoolExecutor executor) {
    this.reader = reader;
    this.server = server;
    this.executor = executor;
  }

  static PrometheusEndpoint start(String host, int port) throws IOException {
    PrometheusMetricReader reader = PrometheusMetricReader.builder().build();
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 50);
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), r -> {
          Thread thread = new Thread(r, "sightline-prometheus-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    PrometheusEndpoint endpoint = new PrometheusEndpoint(reader, server, executor);
    // Marks the context as the agent's own: a filter of the agent's first in the chain tells the
    // JDK server instrumentation not to trace it (FilterChainHook), even when the context was
    // created before that instrumentation's hooks were registered.
    server.createContext("/", endpoint::handle).getFilters().add(new AgentOwnContext());
    server.setExecutor(executor);
    server.start();
    return endpoint;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try (Scope ignored = Suppression.suppress(); InputStream body = exchange.getRequestBody()) {
      drain(body);
      String path = exchange.getRequestURI().getPath();
      if (!"/metrics".equals(path) && !"/".equals(path)) {
        respond(exchange, 404, "text/plain; charset=utf-8", "not found: metrics are at /metrics\n".getBytes("UTF-8"), false);
        return;
      }
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes("UTF-8"), false);
        return;
      }
      ExpositionFormatWriter writer = wantsOpenMetrics(exchange.getRequestHeaders().getFirst("Accept")) ? openMetrics : text;
      MetricSnapshots snapshots = PrometheusHelp.withHelp(reader.collect());
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
      boolean gzip = accepts(exchange.getRequestHeaders().getFirst("Accept-Encoding"), "gzip");
      if (gzip) {
        try (GZIPOutputStream zipped = new GZIPOutputStream(buffer)) {
          writer.write(zipped, snapshots);
        }
      } else {
        writer.write(buffer, snapshots);
      }
      respond(exchange, 200, writer.getContentType(), buffer.toByteArray(), gzip);
    } catch (Throwable t) {
      AgentLog.debug("Prometheus scrape failed: " + t);
      try {
        respond(exchange, 500, "text/plain; charset=utf-8", "scrape failed\n".getBytes("UTF-8"), false);
      } catch (Throwable ignored) {
        // the response was already started or the client went away
      }
    } finally {
      exchange.close();
    }
  }

  /** OpenMetrics only when asked for; protobuf is never offered (not bundled). */
  static boolean wantsOpenMetrics(String accept) {
    return accept != null && accept.contains("application/openmetrics-text");
  }

  private static boolean accepts(String header, String value) {
    return header != null && header.toLowerCase(java.util.Locale.ROOT).contains(value);
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body, boolean gzip) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (gzip) {
      exchange.getResponseHeaders().set("Content-Encoding", "gzip");
    }
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Reads (and ignores) a request body, up to a bound, so the connection can be reused. */
  private static void drain(InputStream body) throws IOException {
    byte[] skip = new byte[1024];
    int total = 0;
    for (int n; total < 64 * 1024 && (n = body.read(skip)) > 0; ) {
      total += n;
    }
  }

  @Override
  public void register(CollectionRegistration registration) {
    reader.register(registration);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return reader.getAggregationTemporality(instrumentType);
  }

  @Override
  public CompletableResultCode forceFlush() {
    return reader.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    server.stop(0);
    executor.shutdownNow();
    return reader.shutdown();
  }

  @Override
  public String toString() {
    return "PrometheusEndpoint{address=" + server.getAddress() + "}";
  }

  /** Passes every exchange on; its presence (a class of the agent's) is what counts. */
  private static final class AgentOwnContext extends Filter {
    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      chain.doFilter(exchange);
    }

    @Override
    public String description() {
      return "Sightline's own endpoint, not traced";
    }
  }
}
