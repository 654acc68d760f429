package com.example.orders;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lives outside {@code io.sightline}, which the agent never instruments. Prints {@code READY port=N} once it serves.
 *
 * <ul>
 *   <li>{@code GET /order?id=N} - span process_order, inside it an ExecutorService task calling
 *       {@code <downstream.url>/inventory?order=N} with the JDK HttpClient and a
 *       CompletableFuture.supplyAsync calling {@code /payment?order=N} with HttpURLConnection
 *   <li>{@code GET /pool?seq=N} - hands a Runnable to a fixed pool of 4 threads that calls
 *       {@code <downstream.url>/stock?seq=N} with the JDK HttpClient; answers at once
 *   <li>{@code GET /variety} - invokeAll, invokeAny, schedule, ForkJoin fork, common pool,
 *       thenApplyAsync, a stage completed by another thread, virtual threads (JDK 21+)
 *   <li>{@code GET /fail} - a @WithSpan method throws; {@code GET /async} - a @WithSpan method
 *       returns a CompletableFuture completed 50 ms later
 *   <li>outside any request, a plain thread feeds the same pool of 4 every 20 ms with calls to
 *       {@code <downstream.url>/stock?outside=N}
 * </ul>
 *
 * <p>{@code downstream.url} (system property, e.g. {@code http://127.0.0.1:8089}) is the loopback
 * server the test runs; without it the pool and outside tasks make no call.
 */
public final class ContextApp {
  private static final Work WORK = new Work();
  private static final ExecutorService POOL = Executors.newFixedThreadPool(4);
  private static final ExecutorService SUBMIT_POOL = Executors.newFixedThreadPool(2);
  private static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(1);
  private static final ForkJoinPool FORK_JOIN = new ForkJoinPool(2);
  private static final AtomicLong OUTSIDE = new AtomicLong();
  private static final String DOWNSTREAM = System.getProperty("downstream.url", "");
  /** One shared client: HTTP/1.1 keep-alive connections to the downstream. */
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getProperty("app.port", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server.createContext("/order", exchange -> {
      String id = query(exchange, "id");
      String result = WORK.processOrder(id, () -> {
        try {
          String viaExecutor = SUBMIT_POOL.submit(() -> jdkGet("/inventory?order=" + id)).get(5, TimeUnit.SECONDS);
          String viaAsync = CompletableFuture.supplyAsync(() -> urlConnectionGet("/payment?order=" + id))
              .get(5, TimeUnit.SECONDS);
          if (!viaExecutor.equals("200 inventory") || !viaAsync.equals("200 payment")) {
            throw new IllegalStateException("unexpected " + viaExecutor + viaAsync);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      respond(exchange, "order " + result);
    });
    server.createContext("/pool", exchange -> {
      long seq = Long.parseLong(query(exchange, "seq"));
      POOL.execute(() -> callQuietly("/stock?seq=" + seq));
      respond(exchange, "queued " + seq);
    });
    server.createContext("/variety", exchange -> {
      try {
        variety();
        respond(exchange, "variety done, virtual threads " + (Runtime.version().feature() >= 21));
      } catch (Exception e) {
        throw new IOException(e);
      }
    });
    server.createContext("/fail", exchange -> {
      try {
        WORK.fails("handler");
      } catch (IllegalStateException expected) {
        respond(exchange, "caught");
      }
    });
    server.createContext("/async", exchange -> {
      CompletableFuture<String> future = WORK.asyncWork(50);
      respond(exchange, "started");
      future.join();
    });
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    startOutsideWork();
    System.out.println("READY port=" + server.getAddress().getPort());
    System.out.flush();
  }

  /** A plain thread, never inside a request, feeding the same pool of 4 every 20 ms. */
  private static void startOutsideWork() {
    Thread feeder = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        long n = OUTSIDE.incrementAndGet();
        POOL.execute(() -> callQuietly("/stock?outside=" + n));
        Work.sleep(20);
      }
    }, "outside-feeder");
    feeder.setDaemon(true);
    feeder.start();
  }

  private static void variety() throws Exception {
    List<Callable<String>> two = List.of(() -> WORK.downstream("invokeAll-1"), () -> WORK.downstream("invokeAll-2"));
    for (var future : SUBMIT_POOL.invokeAll(two)) {
      future.get();
    }
    SUBMIT_POOL.invokeAny(List.of(() -> WORK.downstream("invokeAny")));
    SCHEDULER.schedule(() -> WORK.downstream("schedule"), 10, TimeUnit.MILLISECONDS).get();
    FORK_JOIN.invoke(new Split(2));
    ForkJoinPool.commonPool().submit(() -> WORK.task("commonPool", 0)).get();
    CompletableFuture.supplyAsync(() -> "x", POOL).thenApplyAsync(x -> WORK.downstream("thenApplyAsync")).get();
    // What Spring's @Async does with a CompletableFuture: a plain executor runs the JDK's task.
    new CompletableFuture<String>().completeAsync(() -> WORK.downstream("completeAsync"), POOL).get();
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> dependent = source.thenApply(x -> WORK.downstream("stage"));
    Thread completer = new Thread(() -> source.complete("x"), "completer");
    completer.start();
    completer.join();
    dependent.get(5, TimeUnit.SECONDS);
    if (Runtime.version().feature() >= 21) {
      ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      virtual.submit(() -> WORK.downstream("virtual-submit")).get();
      CompletableFuture<Void> done = new CompletableFuture<>();
      virtual.execute(() -> {
        WORK.downstream("virtual-execute");
        done.complete(null);
      });
      done.get(5, TimeUnit.SECONDS);
      virtual.shutdown();
    }
  }

  /** Forks one subtask per level; the leaves make a span. */
  private static final class Split extends RecursiveTask<Integer> {
    private final int depth;

    Split(int depth) {
      this.depth = depth;
    }

    @Override
    protected Integer compute() {
      if (depth == 0) {
        WORK.downstream("fork");
        return 1;
      }
      Split left = new Split(depth - 1);
      left.fork();
      return new Split(depth - 1).compute() + left.join();
    }
  }

  /** GET with the JDK HttpClient: "status body". */
  static String jdkGet(String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(DOWNSTREAM + pathAndQuery))
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET with HttpURLConnection: "status body". */
  static String urlConnectionGet(String pathAndQuery) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(DOWNSTREAM + pathAndQuery).toURL().openConnection();
      connection.setConnectTimeout(5000);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode();
      try (InputStream in = connection.getInputStream()) {
        return status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pool work: a call whose failure is reported, never thrown into the pool. */
  private static void callQuietly(String pathAndQuery) {
    if (DOWNSTREAM.isEmpty()) {
      return;
    }
    try {
      String result = jdkGet(pathAndQuery);
      if (!result.startsWith("200 ")) {
        System.err.println("downstream " + pathAndQuery + ": " + result);
      }
    } catch (RuntimeException e) {
      System.err.println("downstream " + pathAndQuery + " failed: " + e);
    }
  }

  private static String query(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith(name + "=")) {
          return pair.substring(name.length() + 1);
        }
      }
    }
    return "";
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
