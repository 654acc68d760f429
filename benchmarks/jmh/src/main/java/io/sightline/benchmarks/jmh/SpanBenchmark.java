package io.sightline.benchmarks.jmh;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.sightline.agent.records.AgentOpenTelemetry;
import io.sightline.instrumentation.http.HttpServerRequestGetter;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import io.sightline.instrumentation.http.ServerRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Span start and end, sampled and unsampled: a bare span (the floor any agent pays), and a whole
 * HTTP SERVER request through {@link HttpServerTelemetry}, the path every server instrumentation
 * takes (propagation, request id, attributes, span, two metric instruments); each with the SDK's
 * span type and with the agent's own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpanBenchmark {
  @Param({"sampled", "unsampled"})
  public String sampling;

  /** The SDK's span type, or the agent's own ({@code AgentOpenTelemetry}), as the agent runs by default. */
  @Param({"sdk", "agent"})
  public String spans;

  private OpenTelemetrySdk sdk;
  private Tracer tracer;
  private HttpServerTelemetry server;
  private final FakeRequest request = new FakeRequest("GET", "/api/orders/12345", "page=2",
      Map.of("host", "shop.example:8080", "user-agent", "bench/1.0"));

  @Setup(Level.Trial)
  public void setUp() {
    sdk = Sdk.create(sampling.equals("sampled"));
    OpenTelemetry instrumented = spans.equals("agent") ? AgentOpenTelemetry.over(sdk) : sdk;
    tracer = instrumented.getTracer("jmh");
    server = new HttpServerTelemetry(instrumented, "jmh-http-server");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  @Benchmark
  public void sdkSpanStartEnd() {
    Span span = tracer.spanBuilder("GET /api/orders/{id}").setSpanKind(SpanKind.SERVER).startSpan();
    span.end();
  }

  @Benchmark
  public void httpServerRequestStartEnd() {
    ServerRequest r = server.start(request, FakeRequest.GETTER);
    server.end(r, 200, null);
  }

  /** A request as a server instrumentation's getter sees it; header names in lower case. */
  static final class FakeRequest {
    static final Getter GETTER = new Getter();
    final String method;
    final String path;
    final String query;
    final Map<String, String> headers;

    FakeRequest(String method, String path, String query, Map<String, String> headers) {
      this.method = method;
      this.path = path;
      this.query = query;
      this.headers = headers;
    }
  }

  static final class Getter implements HttpServerRequestGetter<FakeRequest> {
    @Override
    public String get(FakeRequest request, String key) {
      return request == null ? null : request.headers.get(key.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public Iterable<String> keys(FakeRequest request) {
      return request.headers.keySet();
    }

    @Override
    public String method(FakeRequest request) {
      return request.method;
    }

    @Override
    public String scheme(FakeRequest request) {
      return "http";
    }

    @Override
    public String path(FakeRequest request) {
      return request.path;
    }

    @Override
    public String query(FakeRequest request) {
      return request.query;
    }

    @Override
    public String serverAddress(FakeRequest request) {
      return "shop.example";
    }

    @Override
    public int serverPort(FakeRequest request) {
      return 8080;
    }

    @Override
    public String clientAddress(FakeRequest request) {
      return "127.0.0.1";
    }

    @Override
    public String protocolVersion(FakeRequest request) {
      return "1.1";
    }
  }
}
