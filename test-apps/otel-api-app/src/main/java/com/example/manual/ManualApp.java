package com.example.manual;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Uses its own OpenTelemetry API like a real service would. Prints {@code READY port=N}.
 *
 * <ul>
 *   <li>{@code GET /manual?id=N} - manual span process_order (attribute order.id) around an
 *       ExecutorService task and a supplyAsync, each calling a @WithSpan CLIENT method; inside the
 *       supplyAsync a manual validate_inventory; a @WithSpan charge_payment that adds a manual
 *       ledger_write child and sets an attribute on Span.current(). Answers with what the app saw.
 *   <li>{@code GET /sdk-span} - a span from the application's own SDK object (with -Dapp.own-sdk=true)
 *   <li>{@code GET /app-exported} - the spans the application's own SDK exported, one a line
 * </ul>
 */
public final class ManualApp {
  private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
  private static final List<SpanData> APP_EXPORTED = new CopyOnWriteArrayList<>();
  private static OpenTelemetrySdk ownSdk;

  public static void main(String[] args) throws IOException {
    if (Boolean.getBoolean("app.own-sdk")) {
      ownSdk = OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(new ListExporter())).build())
          .buildAndRegisterGlobal();
    }
    int port = Integer.parseInt(System.getProperty("app.port", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
    server.createContext("/manual", exchange -> respond(exchange, manual(query(exchange, "id"))));
    server.createContext("/sdk-span", exchange -> {
      Span span = ownSdk.getTracer("app-sdk").spanBuilder("sdk_span").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        new Payments().audit("sdk");
      } finally {
        span.end();
      }
      respond(exchange, "sdk " + span.getSpanContext().getTraceId() + "/" + span.getSpanContext().getSpanId());
    });
    server.createContext("/suppressed-call", exchange -> {
      // What the application's own SDK does around its exports: nothing in there is to be traced.
      String base = "http://127.0.0.1:" + exchange.getLocalAddress().getPort() + "/app-exported?suppressed=";
      // By name: the same source builds against API 1.30 (otel-api-old-app), which has no such class.
      try {
        Class.forName("io.opentelemetry.api.impl.InstrumentationUtil")
            .getMethod("suppressInstrumentation", Runnable.class).invoke(null, (Runnable) () -> get(base + "1"));
      } catch (ReflectiveOperationException e) {
        respond(exchange, "unsupported: " + e);
        return;
      }
      get(base + "0");
      respond(exchange, "called");
    });
    server.createContext("/app-exported", exchange -> {
      StringBuilder out = new StringBuilder();
      for (SpanData span : APP_EXPORTED) {
        out.append(span.getName()).append(' ').append(span.getTraceId()).append(' ').append(span.getParentSpanId()).append('\n');
      }
      respond(exchange, out.toString());
    });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("READY port=" + server.getAddress().getPort());
    System.out.flush();
  }

  private static void get(String url) {
    try {
      java.net.HttpURLConnection connection = (java.net.HttpURLConnection) new java.net.URL(url).openConnection();
      connection.getInputStream().readAllBytes();
      connection.disconnect();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String manual(String orderId) {
    OpenTelemetry openTelemetry = GlobalOpenTelemetry.get();
    Tracer tracer = GlobalOpenTelemetry.getTracer("com.example.manual", "1.0");
    Span server = Span.current();
    server.setAttribute("app.tenant", "acme");
    Span order = tracer.spanBuilder("process_order").setAttribute("order.id", orderId).startSpan();
    Map<String, String> headers = new LinkedHashMap<>();
    String currentInside = "unset";
    try (Scope ignored = order.makeCurrent()) {
      currentInside = Span.current().getSpanContext().getSpanId();
      openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), headers, Map::put);
      Payments payments = new Payments();
      POOL.submit(() -> payments.downstream("executor")).get(5, TimeUnit.SECONDS);
      CompletableFuture.supplyAsync(() -> {
        Span inventory = tracer.spanBuilder("validate_inventory").startSpan();
        inventory.end();
        return payments.downstream("supplyAsync");
      }).get(5, TimeUnit.SECONDS);
      payments.charge(tracer, 4200L);
    } catch (Exception e) {
      order.recordException(e);
      order.setStatus(StatusCode.ERROR);
    } finally {
      order.end();
    }
    Span after = Span.current();
    return "server=" + ids(server.getSpanContext()) + " order=" + ids(order.getSpanContext())
        + " currentInside=" + currentInside + " after=" + after.getSpanContext().getSpanId()
        + " traceparent=" + headers.get("traceparent");
  }

  private static String ids(SpanContext context) {
    return context.getTraceId() + "/" + context.getSpanId();
  }

  /** Business methods traced by annotation, mixed with manual spans. */
  public static class Payments {
    @WithSpan(value = "downstream", kind = SpanKind.CLIENT)
    public String downstream(@SpanAttribute("via") String via) {
      return "ok " + via;
    }

    @WithSpan("charge_payment")
    public void charge(Tracer tracer, @SpanAttribute("amount.cents") long cents) {
      Span.current().setAttribute("payment.accepted", true);
      Span ledger = tracer.spanBuilder("ledger_write").setSpanKind(SpanKind.INTERNAL).startSpan();
      ledger.addEvent("written");
      ledger.end();
    }

    @WithSpan("audit")
    public void audit(@SpanAttribute("via") String via) {}
  }

  private static final class ListExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      APP_EXPORTED.addAll(spans);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
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
