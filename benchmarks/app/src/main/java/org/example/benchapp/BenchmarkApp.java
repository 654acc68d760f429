package org.example.benchapp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A small but realistic service. {@code GET /work} does what a typical backend request does:
 * one pooled JDBC query, one HTTP call to a downstream service, one log line with MDC. {@code GET
 * /stats} reports what the harness cannot see from outside: allocation, heap, loaded classes.
 *
 * <p>Settings: {@code -Dapp.port} (0 = free port), {@code -Dstub.url} (the downstream), {@code
 * -Dapp.threads} (server worker threads).
 */
public final class BenchmarkApp {
  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkApp.class);
  private static final int ROWS = 100;

  private final DataSource dataSource;
  private final HttpClient client;
  private final URI downstream;
  private final AtomicLong served = new AtomicLong();

  private BenchmarkApp(DataSource dataSource, HttpClient client, URI downstream) {
    this.dataSource = dataSource;
    this.client = client;
    this.downstream = downstream;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.getInteger("app.port", 0);
    int threads = Integer.getInteger("app.threads", 16);
    URI downstream = URI.create(System.getProperty("stub.url", "http://127.0.0.1:8089/stub"));

    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(threads);
    config.setPoolName("bench");
    HikariDataSource dataSource = new HikariDataSource(config);
    createSchema(dataSource);

    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    BenchmarkApp app = new BenchmarkApp(dataSource, client, downstream);

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    server.createContext("/work", app::work);
    server.createContext("/stats", app::stats);
    ExecutorService workers = Executors.newFixedThreadPool(threads);
    server.setExecutor(workers);
    server.start();
    System.out.println("READY port=" + server.getAddress().getPort());
  }

  private static void createSchema(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64), price DECIMAL(10,2))");
      for (int i = 1; i <= ROWS; i++) {
        statement.execute("INSERT INTO items VALUES (" + i + ", 'item-" + i + "', " + (i * 1.25) + ")");
      }
    }
  }

  private void work(HttpExchange exchange) throws IOException {
    try {
      long n = served.incrementAndGet();
      int id = (int) (n % ROWS) + 1;
      String name = queryName(id);
      HttpResponse<String> downstreamResponse = client.send(
          HttpRequest.newBuilder(downstream).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      MDC.put("item.id", Integer.toString(id));
      try {
        LOG.info("served {} (downstream {})", name, downstreamResponse.statusCode());
      } finally {
        MDC.remove("item.id");
      }
      respond(exchange, 200, "{\"id\":" + id + ",\"name\":\"" + name + "\"}");
    } catch (SQLException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
    }
  }

  private String queryName(int id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT name, price FROM items WHERE id = ?")) {
      statement.setInt(1, id);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? rs.getString(1) : "none";
      }
    }
  }

  /** {@code GET /stats[?gc=1]}: counters the harness reads before and after a measurement. */
  private void stats(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null && query.contains("gc=1")) {
      System.gc();
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    String body = "{\"served\":" + served.get()
        + ",\"allocatedBytes\":" + threads.getTotalThreadAllocatedBytes()
        + ",\"heapUsed\":" + heap.getUsed()
        + ",\"heapCommitted\":" + heap.getCommitted()
        + ",\"loadedClasses\":" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()
        + ",\"threads\":" + threads.getThreadCount()
        + "}";
    respond(exchange, 200, body);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
