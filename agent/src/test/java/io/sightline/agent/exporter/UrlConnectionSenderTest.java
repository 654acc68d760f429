package io.sightline.agent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.sightline.instrumentation.api.Suppression;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's OTLP/HTTP sender, through the SDK's own OTLP exporter (which finds it as the only
 * {@code HttpSenderProvider}) and directly, against a loopback collector whose answers each test
 * chooses.
 */
class UrlConnectionSenderTest {
  private HttpServer server;
  private final Queue<Received> received = new ConcurrentLinkedQueue<>();
  private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
  private volatile CountDownLatch hold = new CountDownLatch(0);

  private record Received(String path, Map<String, List<String>> headers, byte[] body) {}

  @BeforeEach
  void startCollector() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Integer status = statuses.poll();
      byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(status == null ? 200 : status, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stopCollector() {
    hold.countDown();
    server.stop(0);
  }

  private String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static RetryPolicy fastRetries(int attempts) {
    return RetryPolicy.builder().setMaxAttempts(attempts).setInitialBackoff(Duration.ofMillis(5))
        .setMaxBackoff(Duration.ofMillis(20)).setBackoffMultiplier(2).build();
  }

  private static Collection<SpanData> oneSpan(String name) {
    return LazyOtlpTest.endedSpan(name);
  }

  @Test
  void theSdkExporterSendsThroughItWithHeadersAndGzip() throws Exception {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint() + "/v1/traces")
        .addHeader("x-api-key", "secret-123")
        .setCompression("gzip")
        .build();
    try {
      CompletableResultCode result = exporter.export(oneSpan("SELECT orders")).join(10, TimeUnit.SECONDS);
      assertThat(result.isSuccess()).isTrue();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
    assertThat(received).hasSize(1);
    Received post = received.peek();
    assertThat(post.path()).isEqualTo("/v1/traces");
    assertThat(post.headers().get("Content-type")).containsExactly("application/x-protobuf");
    assertThat(post.headers().get("Content-encoding")).containsExactly("gzip");
    assertThat(post.headers().get("X-api-key")).containsExactly("secret-123");
    assertThat(post.headers().get("User-agent").get(0)).startsWith("OTel-OTLP-Exporter-Java/");
    ExportTraceServiceRequest request;
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(post.body()))) {
      request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
    }
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getName()).isEqualTo("SELECT orders");
  }

  @Test
  void retryableAnswersAreRetriedUntilTheCollectorTakesTheBatch() throws Exception {
    statuses.add(503);
    statuses.add(429);
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint() + "/v1/traces")
        .setRetryPolicy(fastRetries(5)).build();
    try {
      CompletableResultCode result = exporter.export(oneSpan("GET /orders")).join(10, TimeUnit.SECONDS);
      assertThat(result.isSuccess()).isTrue();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
    assertThat(received).hasSize(3);
  }

  @Test
  void aBadRequestIsNotRetriedAndFailsTheExport() throws Exception {
    statuses.add(400);
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint() + "/v1/traces")
        .setRetryPolicy(fastRetries(5)).build();
    try {
      CompletableResultCode result = exporter.export(oneSpan("GET /orders")).join(10, TimeUnit.SECONDS);
      assertThat(result.isDone()).isTrue();
      assertThat(result.isSuccess()).isFalse();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
    assertThat(received).hasSize(1);
  }

  @Test
  void retriesStopAtThePolicysAttemptsAndTheLastAnswerDecides() throws Exception {
    for (int i = 0; i < 5; i++) {
      statuses.add(502);
    }
    AtomicReference<HttpResponse> answer = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    HttpSender sender = new UrlConnectionSender(new Config(URI.create(endpoint() + "/v1/logs"), fastRetries(3), null));
    sender.send(body("log"), response -> {
      answer.set(response);
      done.countDown();
    }, error -> done.countDown());
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(answer.get().getStatusCode()).isEqualTo(502);
    assertThat(new String(answer.get().getResponseBody(), StandardCharsets.UTF_8)).isEqualTo("ok");
    assertThat(received).hasSize(3);
    sender.shutdown();
  }

  @Test
  void aCollectorThatIsDownFailsTheRequestAfterTheRetries() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    HttpSender sender = new UrlConnectionSender(
        new Config(URI.create("http://127.0.0.1:" + closedPort + "/v1/traces"), fastRetries(3), null));
    sender.send(body("x"), response -> done.countDown(), error -> {
      failure.set(error);
      done.countDown();
    });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(failure.get()).isInstanceOf(java.net.ConnectException.class);
    sender.shutdown();
  }

  @Test
  void theRequestIsWrittenWithInstrumentationSuppressed() throws Exception {
    AtomicBoolean suppressed = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    HttpSender sender = new UrlConnectionSender(new Config(URI.create(endpoint() + "/v1/traces"), null, null));
    MessageWriter writer = new MessageWriter() {
      @Override
      public void writeMessage(OutputStream output) throws IOException {
        suppressed.set(Suppression.isSuppressed());
        output.write(1);
      }

      @Override
      public int getContentLength() {
        return 1;
      }
    };
    sender.send(writer, response -> done.countDown(), error -> done.countDown());
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(suppressed.get()).isTrue();
    sender.shutdown();
  }

  @Test
  void requestsBeyondFiveInFlightFailAtOnceInsteadOfQueueing() throws Exception {
    hold = new CountDownLatch(1);
    HttpSender sender = new UrlConnectionSender(new Config(URI.create(endpoint() + "/v1/traces"), null, null));
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(6);
    for (int i = 0; i < 5; i++) {
      sender.send(body("held"), response -> {
        answered.incrementAndGet();
        all.countDown();
      }, error -> all.countDown());
    }
    AtomicReference<Throwable> sixth = new AtomicReference<>();
    sender.send(body("sixth"), response -> all.countDown(), error -> {
      sixth.set(error);
      failed.incrementAndGet();
      all.countDown();
    });
    assertThat(sixth.get()).hasMessageContaining("too many OTLP requests in flight");
    hold.countDown();
    assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(answered.get()).isEqualTo(5);
    assertThat(failed.get()).isEqualTo(1);
    sender.shutdown();
  }

  @Test
  void anHttpsCollectorIsTrustedThroughTheConfiguredCertificateOnly(@TempDir Path dir) throws Exception {
    Path keyStore = dir.resolve("collector.p12");
    Path certificate = dir.resolve("collector.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "collector", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", "changeit", "-keypass", "changeit");
    run(keytool, "-exportcert", "-rfc", "-alias", "collector", "-keystore", keyStore.toString(),
        "-storepass", "changeit", "-file", certificate.toString());
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
      store.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(
        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(keys.getKeyManagers(), null, null);
    com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(serverTls));
    AtomicInteger posts = new AtomicInteger();
    https.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      posts.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    https.start();
    String endpoint = "https://127.0.0.1:" + https.getAddress().getPort() + "/v1/traces";
    try {
      OtlpHttpSpanExporter untrusting = OtlpHttpSpanExporter.builder().setEndpoint(endpoint)
          .setRetryPolicy(fastRetries(3)).build();
      try {
        assertThat(untrusting.export(oneSpan("GET /a")).join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
      } finally {
        untrusting.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertThat(posts.get()).isZero();

      OtlpHttpSpanExporter trusting = OtlpHttpSpanExporter.builder().setEndpoint(endpoint)
          .setTrustedCertificates(java.nio.file.Files.readAllBytes(certificate)).build();
      try {
        assertThat(trusting.export(oneSpan("GET /b")).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      } finally {
        trusting.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertThat(posts.get()).isEqualTo(1);
    } finally {
      https.stop(0);
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }

  private static MessageWriter body(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new MessageWriter() {
      @Override
      public void writeMessage(OutputStream output) throws IOException {
        output.write(bytes);
      }

      @Override
      public int getContentLength() {
        return bytes.length;
      }
    };
  }

  /** A sender configuration as the SDK's exporter builders hand out, reduced to what a test sets. */
  private record Config(URI endpoint, RetryPolicy retryPolicy, Compressor compressor) implements HttpSenderConfig {
    @Override
    public URI getEndpoint() {
      return endpoint;
    }

    @Override
    public String getContentType() {
      return "application/x-protobuf";
    }

    @Override
    public Compressor getCompressor() {
      return compressor;
    }

    @Override
    public Duration getTimeout() {
      return Duration.ofSeconds(10);
    }

    @Override
    public Duration getConnectTimeout() {
      return Duration.ofSeconds(5);
    }

    @Override
    public Supplier<Map<String, List<String>>> getHeadersSupplier() {
      return Map::of;
    }

    @Override
    public ProxyOptions getProxyOptions() {
      return null;
    }

    @Override
    public RetryPolicy getRetryPolicy() {
      return retryPolicy;
    }

    @Override
    public SSLContext getSslContext() {
      return null;
    }

    @Override
    public X509TrustManager getTrustManager() {
      return null;
    }

    @Override
    public ExecutorService getExecutorService() {
      return null;
    }
  }
}
