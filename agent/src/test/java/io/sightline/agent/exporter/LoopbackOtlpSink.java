package io.sightline.agent.exporter;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback HTTP server answering OTLP/HTTP posts with 200 and counting them per path. */
public final class LoopbackOtlpSink implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, AtomicInteger> posts = new ConcurrentHashMap<>();

  public LoopbackOtlpSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      if ("POST".equals(exchange.getRequestMethod())) {
        posts.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
      }
      // An empty protobuf message: a full success.
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int posts(String path) {
    AtomicInteger count = posts.get(path);
    return count == null ? 0 : count.get();
  }

  /** Waits up to {@code millis} for at least one post to each path; true if they all came. */
  public boolean awaitPosts(long millis, String... paths) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (String path : paths) {
        all &= posts(path) > 0;
      }
      if (all) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
