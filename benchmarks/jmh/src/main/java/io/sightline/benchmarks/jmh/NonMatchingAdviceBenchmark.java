package io.sightline.benchmarks.jmh;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sightline.bootstrap.Hook;
import io.sightline.bootstrap.Hooks;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What advice costs a call it has nothing to do for: a JDK {@link HttpHandler} call, bare, then
 * with the code Byte Buddy inlines for our advice ({@code Hooks.enter}/{@code Hooks.exit} with a
 * constant id) when no hook is registered for that id (the instrumentation is disabled), and when
 * a hook is registered but does nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NonMatchingAdviceBenchmark {
  private static final int UNREGISTERED_ID = 254;
  private static final int NO_OP_ID = 255;

  private final HttpHandler handler = exchange -> exchange.getResponseHeaders();
  private final HttpExchange exchange = new StubExchange();

  @Setup(Level.Trial)
  public void setUp() {
    if (Hooks.get(NO_OP_ID) == null) {
      Hooks.register(NO_OP_ID, new Hook("jmh-no-op") {});
    }
  }

  @Benchmark
  public void handlerCall() throws IOException {
    handler.handle(exchange);
  }

  @Benchmark
  public void handlerCallWithAdviceNoHook() throws IOException {
    Object state = Hooks.enter(UNREGISTERED_ID, handler, exchange, null);
    Throwable thrown = null;
    try {
      handler.handle(exchange);
    } catch (IOException | RuntimeException e) {
      thrown = e;
      throw e;
    } finally {
      Hooks.exit(UNREGISTERED_ID, state, handler, null, thrown);
    }
  }

  @Benchmark
  public void handlerCallWithAdviceNoOpHook() throws IOException {
    Object state = Hooks.enter(NO_OP_ID, handler, exchange, null);
    Throwable thrown = null;
    try {
      handler.handle(exchange);
    } catch (IOException | RuntimeException e) {
      thrown = e;
      throw e;
    } finally {
      Hooks.exit(NO_OP_ID, state, handler, null, thrown);
    }
  }

  /** Only what the handler touches; everything else is unused. */
  static final class StubExchange extends HttpExchange {
    private final Headers headers = new Headers();

    @Override public Headers getRequestHeaders() { return headers; }
    @Override public Headers getResponseHeaders() { return headers; }
    @Override public java.net.URI getRequestURI() { return java.net.URI.create("/"); }
    @Override public String getRequestMethod() { return "GET"; }
    @Override public com.sun.net.httpserver.HttpContext getHttpContext() { return null; }
    @Override public void close() {}
    @Override public java.io.InputStream getRequestBody() { return java.io.InputStream.nullInputStream(); }
    @Override public java.io.OutputStream getResponseBody() { return java.io.OutputStream.nullOutputStream(); }
    @Override public void sendResponseHeaders(int rCode, long responseLength) {}
    @Override public java.net.InetSocketAddress getRemoteAddress() { return null; }
    @Override public int getResponseCode() { return 200; }
    @Override public java.net.InetSocketAddress getLocalAddress() { return null; }
    @Override public String getProtocol() { return "HTTP/1.1"; }
    @Override public Object getAttribute(String name) { return null; }
    @Override public void setAttribute(String name, Object value) {}
    @Override public void setStreams(java.io.InputStream i, java.io.OutputStream o) {}
    @Override public com.sun.net.httpserver.HttpPrincipal getPrincipal() { return null; }
  }
}
