package com.example.orders;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 *   <li>{@code GET /order?id=N} - span process_order, inside it an ExecutorService task and a
 *       CompletableFuture.supplyAsync that each make a CLIENT span "downstream"
 *   <li>{@code GET /pool?seq=N} - hands a plain Runnable to a fixed pool of 4 threads, answers at once
 *   <li>{@code GET /variety} - invokeAll, invokeAny, schedule, ForkJoin fork, common pool,
 *       thenApplyAsync, a stage completed by another thread, virtual threads (JDK 21+)
 *   <li>{@code GET /fail} - a @WithSpan method throws; {@code GET /async} - a @WithSpan method
 *       returns a CompletableFuture completed 50 ms later
 *   <li>outside any request, a plain thread feeds the same pool of 4 every 20 ms
 * </ul>
 */
public final class ContextApp {
  private static final Work WORK = new Work();
  private static final ExecutorService POOL = Executors.newFixedThreadPool(4);
  private static final ExecutorService SUBMIT_POOL = Executors.newFixedThreadPool(2);
  private static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(1);
  private static final ForkJoinPool FORK_JOIN = new ForkJoinPool(2);
  private static final AtomicLong OUTSIDE = new AtomicLong();

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getProperty("app.port", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server.createContext("/order", exchange -> {
      String id = query(exchange, "id");
      String result = WORK.processOrder(id, () -> {
        try {
          String viaExecutor = SUBMIT_POOL.submit(() -> WORK.downstream("executor")).get(5, TimeUnit.SECONDS);
          String viaAsync = CompletableFuture.supplyAsync(() -> WORK.downstream("supplyAsync")).get(5, TimeUnit.SECONDS);
          if (!viaExecutor.startsWith("ok") || !viaAsync.startsWith("ok")) {
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
      POOL.execute(() -> WORK.task("pool", seq));
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
        POOL.execute(() -> WORK.task("outside", n));
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
