package io.sightline.testapps.jdkserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import net.bytebuddy.ByteBuddy;

/**
 * A plain JDK HTTP service. Prints {@code READY port=N} once it serves.
 *
 * <ul>
 *   <li>{@code GET /hello} - 200 "hello"
 *   <li>{@code GET /users/{id}} - 200 JSON
 *   <li>{@code GET /status/{code}} - responds with that status
 *   <li>{@code GET /fail} - the handler throws
 *   <li>{@code GET /sleep?ms=N} - responds after N ms
 *   <li>{@code GET /versions} - the Jackson and Byte Buddy versions this app sees
 * </ul>
 */
public final class JdkServerApp {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getProperty("app.port", System.getenv().getOrDefault("APP_PORT", "0")));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server.createContext("/hello", exchange -> respond(exchange, 200, "hello"));
    server.createContext("/users/", exchange -> {
      String id = exchange.getRequestURI().getPath().substring("/users/".length());
      Map<String, Object> user = new LinkedHashMap<>();
      user.put("id", id);
      user.put("name", "user " + id);
      respond(exchange, 200, JSON.writeValueAsString(user));
    });
    server.createContext("/status/", exchange -> {
      int code = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
      respond(exchange, code, "status " + code);
    });
    server.createContext("/fail", exchange -> {
      throw new IllegalStateException("handler failed on purpose");
    });
    server.createContext("/sleep", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      long ms = query != null && query.startsWith("ms=") ? Long.parseLong(query.substring(3)) : 100;
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 200, "slept " + ms);
    });
    server.createContext("/versions", exchange -> {
      Map<String, String> versions = new LinkedHashMap<>();
      versions.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
      versions.put("bytebuddy", pomVersion("META-INF/maven/net.bytebuddy/byte-buddy/pom.properties"));
      versions.put("bytebuddyLoader", String.valueOf(ByteBuddy.class.getClassLoader() == JdkServerApp.class.getClassLoader()));
      // Use the app's Byte Buddy for real: a subclass made at runtime.
      Class<?> made = new ByteBuddy().subclass(Object.class).make()
          .load(JdkServerApp.class.getClassLoader()).getLoaded();
      versions.put("bytebuddyWorks", String.valueOf(made != null));
      respond(exchange, 200, JSON.writeValueAsString(versions));
    });
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.start();
    System.out.println("READY port=" + server.getAddress().getPort());
    System.out.flush();
  }

  private static String pomVersion(String resource) throws IOException {
    java.util.Properties properties = new java.util.Properties();
    try (java.io.InputStream in = JdkServerApp.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return "missing";
      }
      properties.load(in);
    }
    return properties.getProperty("version");
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
