package io.sightline.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sightline.instrumentation.http.HttpServerTelemetry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hook against real jakarta.servlet types, with a request and response made of maps. */
class ServletEntryHookTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  private final ServletEntryHook hook = new ServletEntryHook("jakarta.servlet", new HttpServerTelemetry(sdk, "servlet"));

  @AfterEach
  void close() {
    sdk.close();
  }

  /** A request to {@code /api/orders/7} under the path mapping {@code /api/*}. */
  private static final class Exchange {
    final Map<String, Object> attributes = new HashMap<>();
    final Map<String, String> responseHeaders = new HashMap<>();
    final List<AsyncListener> listeners = new ArrayList<>();
    boolean asyncStarted;
    int status = 200;
    String serverName = "shop.example";
    final AsyncContext asyncContext = proxy(AsyncContext.class, (name, args) -> {
      if (name.equals("addListener")) {
        listeners.add((AsyncListener) args[0]);
      }
      return null;
    });
    final HttpServletRequest request = proxy(HttpServletRequest.class, (name, args) -> {
      switch (name) {
        case "getAttribute": return attributes.get((String) args[0]);
        case "setAttribute": attributes.put((String) args[0], args[1]); return null;
        case "getHeader": return "Host".equals(args[0]) ? "shop.example:8443" : null;
        case "getHeaderNames": return Collections.enumeration(List.of("Host"));
        case "getMethod": return "GET";
        case "getScheme": return "https";
        case "getRequestURI": return "/api/orders/7";
        case "getQueryString": return null;
        case "getServerName": return serverName;
        case "getServerPort": return 8443;
        case "getRemoteAddr": return "10.0.0.9";
        case "getProtocol": return "HTTP/1.1";
        case "getContextPath": return "";
        case "getServletPath": return "/api";
        case "getPathInfo": return "/orders/7";
        case "isAsyncStarted": return asyncStarted;
        case "getAsyncContext": return asyncContext;
        case "getHttpServletMapping": return proxy(HttpServletMapping.class, (n, a) -> switch (n) {
          case "getPattern" -> "/api/*";
          case "getMappingMatch" -> MappingMatch.PATH;
          default -> null;
        });
        default: return null;
      }
    });
    final HttpServletResponse response = proxy(HttpServletResponse.class, (name, args) -> {
      switch (name) {
        case "setHeader": responseHeaders.put((String) args[0], (String) args[1]); return null;
        case "getStatus": return status;
        case "isCommitted": return false;
        default: return null;
      }
    });
  }

  interface Handler {
    Object handle(String method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, Handler handler) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (p, m, a) -> m.getName().equals("hashCode") ? System.identityHashCode(p) : handler.handle(m.getName(), a)));
  }

  @Test
  void nestedFilterAndServletAreOneSpan() {
    Exchange exchange = new Exchange();
    Object filter = hook.enter(null, exchange.request, exchange.response);
    Span outer = Span.current();
    Object servlet = hook.enter(null, exchange.request, exchange.response);
    assertThat(servlet).as("nested call on the same thread").isNull();
    hook.exit(servlet, null, null, null);
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    hook.exit(filter, null, null, null);

    assertThat(Span.current()).isNotSameAs(outer);
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("GET /api/*");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getAttributes().asMap()).hasSize(10);
    assertThat(exchange.responseHeaders).containsEntry("X-Request-ID",
        span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("request.id")));
  }

  @Test
  void frameworkPatternSetDuringTheRequestBecomesTheRoute() {
    Exchange exchange = new Exchange();
    Object state = hook.enter(null, exchange.request, exchange.response);
    exchange.attributes.put(ServletRoutes.SPRING_BEST_MATCHING_PATTERN, "/orders/{id}");
    hook.exit(state, null, null, null);

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("GET /api/orders/{id}");
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("http.route"))).isEqualTo("/api/orders/{id}");
  }

  @Test
  void wrappedExceptionIsUnwrappedAndCountsAs500() {
    Exchange exchange = new Exchange();
    Object state = hook.enter(null, exchange.request, exchange.response);
    hook.exit(state, null, null, new ServletException("wrapped", new IllegalArgumentException("bad")));

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("error.type")))
        .isEqualTo("java.lang.IllegalArgumentException");
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("http.response.status_code"))).isEqualTo(500L);
  }

  /** Spring 5's {@code NestedServletException}: a subclass, not the API's own class. */
  private static final class NestedServletException extends ServletException {
    NestedServletException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Test
  void aSubclassOfServletExceptionIsUnwrappedToo() {
    Exchange exchange = new Exchange();
    Object state = hook.enter(null, exchange.request, exchange.response);
    hook.exit(state, null, null, new NestedServletException("Request processing failed", new IllegalStateException("kaboom")));

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("error.type")))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(span.getEvents()).extracting(e -> e.getAttributes().get(
        io.opentelemetry.api.common.AttributeKey.stringKey("exception.type"))).containsExactly("java.lang.IllegalStateException");
  }

  @Test
  void anAsyncRequestKeepsTheRouteItsOwnDispatchMatchedAndTheErrorOfALaterOne() throws Exception {
    Exchange exchange = new Exchange();
    Object state = hook.enter(null, exchange.request, exchange.response);
    exchange.attributes.put(ServletRoutes.SPRING_BEST_MATCHING_PATTERN, "/orders/{id}");
    exchange.asyncStarted = true;
    hook.exit(state, null, null, null);

    // The async result is an exception: the container's async dispatch throws it, then its error
    // dispatch goes to the error page, whose handler Spring records as the best matching pattern.
    Object redispatch = hook.enter(null, exchange.request, exchange.response);
    hook.exit(redispatch, null, null, new ServletException("wrapped", new IllegalArgumentException("async failed")));
    exchange.attributes.put(ServletRoutes.SPRING_BEST_MATCHING_PATTERN, "/error");
    exchange.status = 500;
    exchange.listeners.get(0).onComplete(new AsyncEvent(exchange.asyncContext));

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("GET /api/orders/{id}");
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("http.route")))
        .isEqualTo("/api/orders/{id}");
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("error.type")))
        .isEqualTo("java.lang.IllegalArgumentException");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void anErrorDispatchSeenFirstIsReportedUnderThePathTheClientAskedFor() {
    // No servlet mapping matched /app/other/55: the container went straight to its error page.
    Exchange exchange = new Exchange();
    exchange.attributes.put("jakarta.servlet.error.request_uri", "/app/other/55");
    exchange.status = 404;
    Object state = hook.enter(null, exchange.request, exchange.response);
    exchange.attributes.put(ServletRoutes.SPRING_BEST_MATCHING_PATTERN, "/error");
    hook.exit(state, null, null, null);

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("url.path")))
        .isEqualTo("/app/other/55");
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("http.route")))
        .isEqualTo("/app/other/{id}");
    assertThat(span.getName()).isEqualTo("GET /app/other/{id}");
  }

  @Test
  void anIpv6ServerAddressLosesItsBrackets() {
    Exchange exchange = new Exchange();
    exchange.serverName = "[::1]";
    hook.exit(hook.enter(null, exchange.request, exchange.response), null, null, null);

    assertThat(spans.getFinishedSpanItems().get(0).getAttributes().get(
        io.opentelemetry.api.common.AttributeKey.stringKey("server.address"))).isEqualTo("::1");
  }

  @Test
  void asyncRequestEndsOnceWhenTheAsyncCycleCompletes() throws Exception {
    Exchange exchange = new Exchange();
    Object state = hook.enter(null, exchange.request, exchange.response);
    exchange.asyncStarted = true;
    hook.exit(state, null, null, null);
    assertThat(spans.getFinishedSpanItems()).as("still running").isEmpty();
    assertThat(Span.current().getSpanContext().isValid()).as("scope closed on the request thread").isFalse();
    assertThat(exchange.listeners).hasSize(1);

    // A second async cycle drops the listeners: ours registers itself again.
    exchange.listeners.get(0).onStartAsync(new AsyncEvent(exchange.asyncContext));
    assertThat(exchange.listeners).hasSize(2);

    // An async re-dispatch on another thread makes the request's context current.
    Object redispatch = hook.enter(null, exchange.request, exchange.response);
    assertThat(Span.current().getSpanContext().isValid()).isTrue();
    hook.exit(redispatch, null, null, null);
    assertThat(Span.current().getSpanContext().isValid()).isFalse();

    exchange.status = 200;
    exchange.listeners.get(1).onTimeout(new AsyncEvent(exchange.asyncContext));
    exchange.listeners.get(1).onComplete(new AsyncEvent(exchange.asyncContext));
    exchange.listeners.get(0).onComplete(new AsyncEvent(exchange.asyncContext));

    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("error.type")))
        .isEqualTo("java.util.concurrent.TimeoutException");
  }

  @Test
  void nonHttpRequestIsIgnored() {
    assertThat(hook.enter(null, "not a request", "not a response")).isNull();
    assertThat(hook.enter(null, null, null)).isNull();
  }
}
