package io.sightline.testapps.jdbc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * JDBC behind the JDK HTTP server. Prints {@code READY port=N} once it serves. PostgreSQL pools
 * exist only when {@code app.pg.url} is set (user {@code app.pg.user}, no password).
 *
 * <ul>
 *   <li>{@code GET /{pool}/literal} - a plain statement with a string and a number literal
 *   <li>{@code GET /{pool}/prepared?id=N} - a prepared query with one bind parameter
 *   <li>{@code GET /{pool}/batch} - a prepared insert batch of three rows
 *   <li>{@code GET /{pool}/stmtbatch} - a plain statement batch of two inserts with literals
 *   <li>{@code GET /{pool}/error} - a query on a missing table (SQLException)
 *   <li>{@code GET /{pool}/sleep?s=N} - {@code pg_sleep} (or H2's {@code SLEEP}) holding a connection
 *   <li>{@code GET /close?pool=NAME} - closes a pool at runtime
 * </ul>
 * Pools: {@code h2} (HikariCP on H2), {@code pg} (HikariCP on PostgreSQL), {@code pgsmall}
 * (HikariCP on PostgreSQL, 2 connections), {@code pgtiny} (1 connection, 250 ms timeout), {@code dbcp} (DBCP2 on PostgreSQL, else H2),
 * {@code tomcat} (Tomcat JDBC on H2).
 */
public final class JdbcApp {
  private static final Map<String, DataSource> POOLS = new HashMap<>();

  public static void main(String[] args) throws Exception {
    String pgUrl = System.getProperty("app.pg.url");
    String pgUser = System.getProperty("app.pg.user", "test");

    POOLS.put("h2", hikari("h2-pool", "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1", "sa", 4));
    if (pgUrl != null) {
      POOLS.put("pg", hikari("pg-pool", pgUrl, pgUser, 4));
      POOLS.put("pgsmall", hikari("pg-small", pgUrl, pgUser, 2));
      HikariDataSource tiny = hikari("pg-tiny", pgUrl, pgUser, 1);
      tiny.setConnectionTimeout(250); // HikariCP's minimum: a second concurrent request times out
      POOLS.put("pgtiny", tiny);
    }
    BasicDataSource dbcp = new BasicDataSource();
    dbcp.setUrl(pgUrl != null ? pgUrl : "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
    dbcp.setUsername(pgUrl != null ? pgUser : "sa");
    dbcp.setMaxTotal(3);
    dbcp.setMinIdle(1);
    POOLS.put("dbcp", dbcp);
    org.apache.tomcat.jdbc.pool.PoolProperties tomcatProperties = new org.apache.tomcat.jdbc.pool.PoolProperties();
    tomcatProperties.setUrl("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
    tomcatProperties.setDriverClassName("org.h2.Driver");
    tomcatProperties.setUsername("sa");
    tomcatProperties.setName("tomcat-h2");
    tomcatProperties.setMaxActive(5);
    tomcatProperties.setMinIdle(1);
    tomcatProperties.setInitialSize(1);
    POOLS.put("tomcat", new org.apache.tomcat.jdbc.pool.DataSource(tomcatProperties));

    for (String name : new String[] {"h2", "pg"}) {
      DataSource pool = POOLS.get(name);
      if (pool != null) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS orders");
          s.execute("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(100))");
          s.execute("INSERT INTO orders (id, note) VALUES (98765, 'secret-literal-123')");
        }
      }
    }

    int port = Integer.parseInt(System.getProperty("app.port", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server.createContext("/", JdbcApp::handle);
    server.setExecutor(Executors.newFixedThreadPool(32));
    server.start();
    System.out.println("READY port=" + server.getAddress().getPort());
    System.out.flush();
  }

  private static HikariDataSource hikari(String name, String url, String user, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(30_000);
    return new HikariDataSource(config);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    String[] path = exchange.getRequestURI().getPath().split("/");
    Map<String, String> query = query(exchange.getRequestURI().getQuery());
    try {
      if (path.length == 2 && path[1].equals("close")) {
        DataSource pool = POOLS.remove(query.get("pool"));
        if (pool instanceof AutoCloseable) {
          ((AutoCloseable) pool).close();
        } else if (pool instanceof org.apache.tomcat.jdbc.pool.DataSource) {
          ((org.apache.tomcat.jdbc.pool.DataSource) pool).close();
        }
        respond(exchange, 200, "closed " + (pool != null));
        return;
      }
      DataSource pool = path.length == 3 ? POOLS.get(path[1]) : null;
      if (pool == null) {
        respond(exchange, 404, "no such pool or action");
        return;
      }
      respond(exchange, 200, run(pool, path[2], query, path[1]));
    } catch (SQLException e) {
      respond(exchange, 500, "SQLException " + e.getSQLState() + ": " + e.getMessage());
    } catch (Exception e) {
      respond(exchange, 500, e.toString());
    }
  }

  private static String run(DataSource pool, String action, Map<String, String> query, String poolName) throws Exception {
    boolean h2 = poolName.equals("h2") || poolName.equals("tomcat") || (poolName.equals("dbcp") && System.getProperty("app.pg.url") == null);
    try (Connection c = pool.getConnection()) {
      switch (action) {
        case "literal":
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT id, note FROM orders WHERE note = 'secret-literal-123' AND id = 98765")) {
            return rs.next() ? "found " + rs.getInt(1) : "none";
          }
        case "prepared":
          try (PreparedStatement ps = c.prepareStatement("SELECT note FROM orders WHERE id = ?")) {
            ps.setInt(1, Integer.parseInt(query.getOrDefault("id", "98765")));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : "none";
            }
          }
        case "longlived":
          // One statement stays open while many others are prepared, run and closed: the agent
          // must still know its SQL when it finally runs.
          try (PreparedStatement kept = c.prepareStatement("SELECT note FROM orders WHERE id = ?")) {
            int others = Integer.parseInt(query.getOrDefault("others", "150"));
            for (int i = 0; i < others; i++) {
              try (PreparedStatement other = c.prepareStatement("SELECT id FROM orders WHERE id = ?")) {
                other.setInt(1, i);
                other.executeQuery().close();
              }
            }
            kept.setInt(1, Integer.parseInt(query.getOrDefault("id", "98765")));
            try (ResultSet rs = kept.executeQuery()) {
              return rs.next() ? rs.getString(1) : "none";
            }
          }
        case "batch":
          try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM orders WHERE id < 10");
          }
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, note) VALUES (?, ?)")) {
            for (int i = 1; i <= 3; i++) {
              ps.setInt(1, i);
              ps.setString(2, "row " + i);
              ps.addBatch();
            }
            return "inserted " + ps.executeBatch().length;
          }
        case "stmtbatch":
          try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM orders WHERE id BETWEEN 4 AND 5");
            s.addBatch("INSERT INTO orders (id, note) VALUES (4, 'four')");
            s.addBatch("INSERT INTO orders (id, note) VALUES (5, 'five')");
            return "inserted " + s.executeBatch().length;
          }
        case "error":
          try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT * FROM missing_table");
            return "unexpected";
          }
        case "duplicate":
          // A constraint violation: the drivers quote the row's values in their messages.
          try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO orders (id, note) VALUES (98765, 'secret-dup-456')");
            return "unexpected";
          }
        case "sleep":
          if (h2) {
            return "unsupported on H2";
          }
          try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(" + Double.parseDouble(query.getOrDefault("s", "1")) + ")");
            return "slept";
          }
        default:
          return "unknown action";
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> map = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          map.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return map;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
