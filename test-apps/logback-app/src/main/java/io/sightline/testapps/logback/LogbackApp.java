package io.sightline.testapps.logback;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A JDK HttpServer service logging through SLF4J/Logback (console pattern with the MDC ids) and
 * java.util.logging. Logs {@code READY port=N} through Logback once it serves, outside any request.
 *
 * <ul>
 *   <li>{@code GET /work} - logs 3 lines through Logback (INFO, INFO, WARN) and 1 through JUL;
 *       responds with what the application itself reads from the MDC
 *   <li>{@code GET /tricky} - logs a message with quotes, a newline and a control character, and
 *       an ERROR with a stack trace
 *   <li>{@code GET /fail} - logs two INFO lines and answers 503
 * </ul>
 * With {@code -Dapp.jul-bridge=true} java.util.logging goes through SLF4J ({@code jul-to-slf4j}).
 * <ul>
 * </ul>
 */
public final class LogbackApp {
  private static final Logger LOG = LoggerFactory.getLogger("orders.work");
  private static final java.util.logging.Logger JUL = java.util.logging.Logger.getLogger("orders.jul");

  public static void main(String[] args) throws IOException {
    if (Boolean.getBoolean("app.jul-bridge")) {
      // What Spring Boot does: java.util.logging records go to SLF4J (here, Logback) instead.
      org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
      org.slf4j.bridge.SLF4JBridgeHandler.install();
    }
    int port = Integer.parseInt(System.getProperty("app.port", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server.createContext("/work", exchange -> {
      LOG.info("work step one");
      LOG.info("work step two");
      LOG.warn("work step three");
      JUL.info("work through jul");
      Map<String, String> copy = MDC.getCopyOfContextMap();
      respond(exchange, "mdc trace_id=" + MDC.get("trace_id") + " span_id=" + MDC.get("span_id")
          + " request_id=" + MDC.get("request_id") + " copy_trace_id=" + (copy == null ? null : copy.get("trace_id")));
    });
    server.createContext("/tricky", exchange -> {
      LOG.info("said \"hi\"\nsecond line\u0007 done");
      LOG.error("tricky failure", new IllegalStateException("broken \"state\""));
      respond(exchange, "tricky");
    });
    server.createContext("/fail", exchange -> {
      LOG.info("fail step one");
      LOG.info("fail step two: the downstream did not answer");
      byte[] bytes = "unavailable".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(503, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
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
