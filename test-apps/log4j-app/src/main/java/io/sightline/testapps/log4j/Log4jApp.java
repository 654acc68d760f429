package io.sightline.testapps.log4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * A JDK HttpServer service logging through the Log4j2 API and core (console pattern with the
 * context-data ids) and java.util.logging. Logs {@code READY port=N} through Log4j once it
 * serves, outside any request.
 *
 * <ul>
 *   <li>{@code GET /work} - logs 3 lines through Log4j (INFO, INFO, WARN) and 1 through JUL;
 *       responds with what the application itself reads from the ThreadContext
 *   <li>{@code GET /tricky} - logs a message with quotes, a newline and a control character, and
 *       an ERROR with a stack trace
 * </ul>
 */
public final class Log4jApp {
  private static final Logger LOG = LogManager.getLogger("orders.work");
  private static final java.util.logging.Logger JUL = java.util.logging.Logger.getLogger("orders.jul");

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getProperty("app.port", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server.createContext("/work", exchange -> {
      LOG.info("work step one");
      LOG.info("work step two");
      LOG.warn("work step three");
      JUL.info("work through jul");
      respond(exchange, "mdc trace_id=" + ThreadContext.get("trace_id") + " span_id=" + ThreadContext.get("span_id")
          + " request_id=" + ThreadContext.get("request_id"));
    });
    server.createContext("/tricky", exchange -> {
      LOG.info("said \"hi\"\nsecond line\u0007 done");
      LOG.error("tricky failure", new IllegalStateException("broken \"state\""));
      respond(exchange, "tricky");
    });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    LOG.info("outside any request");
    LOG.info("READY port={}", server.getAddress().getPort());
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
