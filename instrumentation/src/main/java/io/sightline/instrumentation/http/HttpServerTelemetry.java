package io.sightline.instrumentation.http;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.sightline.instrumentation.api.AttributeSets;
import io.sightline.instrumentation.api.ExceptionEvents;
import io.sightline.instrumentation.api.MetricBuckets;
import io.sightline.instrumentation.api.Settings;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The SERVER span, request id and metrics of one HTTP request, shared by every server
 * instrumentation: each server supplies an {@link HttpServerRequestGetter} and calls
 * {@link #start} and {@link #end}.
 */
public final class HttpServerTelemetry {
  public static final String DURATION = "http.server.request.duration";
  public static final String ACTIVE_REQUESTS = "http.server.active_requests";
  // The active-requests attributes take few values (normalised method x scheme): built once here
  // rather than twice per request (JMH: SpanBenchmark.httpServerRequestStartEnd -prof gc).
  private static final Map<String, Attributes> ACTIVE_HTTP = activeAttributesByMethod("http");
  private static final Map<String, Attributes> ACTIVE_HTTPS = activeAttributesByMethod("https");
  /** Span names by route, one slot per normalised method ({@link #spanName}). */
  private static final int MAX_NAMED_ROUTES = 1024;
  private static final int METHOD_COUNT = 10;
  private static final ConcurrentHashMap<String, String[]> NAMES_BY_ROUTE = new ConcurrentHashMap<>();

  /** {method, scheme, route, error type, status}: one set per combination, not one per request. */
  private static final AttributeSets DURATION_ATTRIBUTES = new AttributeSets((method, scheme, route, errorType, status) -> {
    AttributesBuilder attributes = Attributes.builder()
        .put(SemanticAttributes.HTTP_REQUEST_METHOD, (String) method)
        .put(SemanticAttributes.URL_SCHEME, (String) scheme);
    if (route != null) {
      attributes.put(SemanticAttributes.HTTP_ROUTE, (String) route);
    }
    if (status >= 100) {
      attributes.put(SemanticAttributes.HTTP_RESPONSE_STATUS_CODE, status);
    }
    if (errorType != null) {
      attributes.put(SemanticAttributes.ERROR_TYPE, (String) errorType);
    }
    return attributes.build();
  });

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final DoubleHistogram duration;
  // In-flight requests per attribute set, counted here and read by the SDK at collection: a
  // LongAdder per request instead of two synchronous SDK measurements (profiled at ~10 % of the
  // server span's cost). Keys are the cached active-request attribute sets.
  private final Map<Attributes, LongAdder> active = new ConcurrentHashMap<>();
  private final QueryRedactor redactor;
  private final boolean normalizeRoutes;
  private final List<String> capturedHeaders;
  private final AttributeKey<List<String>>[] capturedHeaderKeys;

  @SuppressWarnings("unchecked")
  public HttpServerTelemetry(OpenTelemetry openTelemetry, String instrumentationName) {
    String scope = "io.sightline." + instrumentationName;
    this.tracer = openTelemetry.getTracer(scope);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    Meter meter = openTelemetry.getMeter(scope);
    this.duration = meter.histogramBuilder(DURATION)
        .setUnit("s")
        .setDescription("Duration of HTTP server requests.")
        .setExplicitBucketBoundariesAdvice(MetricBuckets.forInstrument(DURATION, SemanticAttributes.DURATION_BUCKETS))
        .build();
    meter.upDownCounterBuilder(ACTIVE_REQUESTS)
        .setUnit("{request}")
        .setDescription("Number of active HTTP server requests.")
        .buildWithCallback(measurement -> active.forEach((attributes, count) -> measurement.record(count.sum(), attributes)));
    this.redactor = QueryRedactor.fromSettings();
    this.normalizeRoutes = Settings.getBoolean("sightline.http.server.route-normalization", true);
    this.capturedHeaders = Settings.getLowerCaseList("otel.instrumentation.http.server.capture-request-headers");
    this.capturedHeaderKeys = new AttributeKey[capturedHeaders.size()];
    for (int i = 0; i < capturedHeaders.size(); i++) {
      capturedHeaderKeys[i] = AttributeKey.stringArrayKey("http.request.header." + capturedHeaders.get(i));
    }
  }

  /** Starts the SERVER span of a request and makes it current on this thread. */
  public <C> ServerRequest start(C request, HttpServerRequestGetter<C> getter) {
    long startNanos = System.nanoTime();
    Context parent = propagator.extract(Context.root(), request, getter);
    String rawMethod = getter.method(request);
    String method = SemanticAttributes.normalizeMethod(rawMethod);
    String scheme = getter.scheme(request);
    // A session id in the path (;jsessionid=...) is a credential: never recorded, never a route.
    String path = QueryRedactor.redactPathParameters(getter.path(request));
    String route = getter.route(request);
    if (route == null && normalizeRoutes) {
      route = RouteNormalizer.normalize(path);
    }
    String requestId = RequestIds.resolve(getter.get(request, RequestIds.HEADER));

    SpanBuilder builder = tracer.spanBuilder(spanName(method, route))
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(SemanticAttributes.HTTP_REQUEST_METHOD, method)
        .setAttribute(SemanticAttributes.URL_SCHEME, scheme)
        .setAttribute(SemanticAttributes.URL_PATH, path)
        .setAttribute(SemanticAttributes.REQUEST_ID, requestId);
    if (!method.equals(rawMethod) && rawMethod != null) {
      builder.setAttribute("http.request.method_original", rawMethod);
    }
    String query = getter.query(request);
    if (query != null && !query.isEmpty()) {
      builder.setAttribute(SemanticAttributes.URL_QUERY, redactor.redact(query));
    }
    if (route != null) {
      builder.setAttribute(SemanticAttributes.HTTP_ROUTE, route);
    }
    String serverAddress = getter.serverAddress(request);
    if (serverAddress != null) {
      builder.setAttribute(SemanticAttributes.SERVER_ADDRESS, serverAddress);
    }
    int serverPort = getter.serverPort(request);
    if (serverPort > 0) {
      builder.setAttribute(SemanticAttributes.SERVER_PORT, serverPort);
    }
    String client = getter.clientAddress(request);
    if (client != null) {
      builder.setAttribute(SemanticAttributes.CLIENT_ADDRESS, client);
    }
    String userAgent = getter.get(request, "User-Agent");
    if (userAgent != null) {
      builder.setAttribute(SemanticAttributes.USER_AGENT_ORIGINAL, userAgent);
    }
    String protocol = getter.protocolVersion(request);
    if (protocol != null) {
      builder.setAttribute(SemanticAttributes.NETWORK_PROTOCOL_VERSION, protocol);
    }
    for (int i = 0; i < capturedHeaderKeys.length; i++) {
      String value = getter.get(request, capturedHeaders.get(i));
      if (value != null) {
        builder.setAttribute(capturedHeaderKeys[i], Collections.singletonList(value));
      }
    }
    Span span = builder.startSpan();
    Context context = RequestIds.storeIn(parent.with(span), requestId);
    ServerRequest state = new ServerRequest(span, context, startNanos, method, scheme, route, requestId);
    state.scope = context.makeCurrent();
    active.computeIfAbsent(activeAttributes(method, scheme), a -> new LongAdder()).increment();
    return state;
  }

  /** Sets the framework's route template once it is known (for example after dispatch). */
  public void updateRoute(ServerRequest request, String route) {
    if (route != null && !route.isEmpty() && !route.equals(request.route)) {
      request.route = route;
      request.span.setAttribute(SemanticAttributes.HTTP_ROUTE, route);
      request.span.updateName(spanName(request.method, route));
    }
  }

  /**
   * Ends the request: status, error, span end, metrics, and the scope if still open.
   *
   * @param statusCode the response status, or a value below 100 when no response was sent
   * @param error what escaped the handler, or null
   */
  public void end(ServerRequest request, int statusCode, Throwable error) {
    try {
      Span span = request.span;
      String errorType = null;
      if (statusCode >= 100) {
        span.setAttribute(SemanticAttributes.HTTP_RESPONSE_STATUS_CODE, SemanticAttributes.statusCode(statusCode));
      }
      if (error != null) {
        errorType = error.getClass().getName();
        ExceptionEvents.record(span, error);
        span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
      } else if (statusCode >= 500) {
        errorType = Integer.toString(statusCode);
        span.setStatus(StatusCode.ERROR);
      }
      if (errorType != null) {
        span.setAttribute(SemanticAttributes.ERROR_TYPE, errorType);
      }
      span.end();

      double seconds = (System.nanoTime() - request.startNanos) / 1e9;
      duration.record(seconds, DURATION_ATTRIBUTES.get(request.method, request.scheme, request.route, errorType,
          statusCode), request.context);
      LongAdder count = active.get(activeAttributes(request.method, request.scheme));
      if (count != null) {
        count.decrement();
      }
    } finally {
      request.closeScope();
    }
  }

  private static Attributes activeAttributes(String method, String scheme) {
    Map<String, Attributes> byMethod = "http".equals(scheme) ? ACTIVE_HTTP : "https".equals(scheme) ? ACTIVE_HTTPS : null;
    Attributes cached = byMethod == null ? null : byMethod.get(method);
    return cached != null ? cached : buildActiveAttributes(method, scheme);
  }

  private static Map<String, Attributes> activeAttributesByMethod(String scheme) {
    Map<String, Attributes> byMethod = new HashMap<>();
    for (String method : new String[] {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "_OTHER"}) {
      byMethod.put(method, buildActiveAttributes(method, scheme));
    }
    return byMethod;
  }

  private static Attributes buildActiveAttributes(String method, String scheme) {
    return Attributes.of(SemanticAttributes.HTTP_REQUEST_METHOD, method, SemanticAttributes.URL_SCHEME, scheme);
  }

  /**
   * {@code GET /users/{id}}: the method (normalised) and the route. Names are kept per route, one
   * per known method, for up to {@value #MAX_NAMED_ROUTES} routes (routes are templates, so few);
   * past that they are built for each request.
   */
  static String spanName(String method, String route) {
    String prefix = "_OTHER".equals(method) ? "HTTP" : method;
    if (route == null) {
      return prefix;
    }
    int index = methodIndex(method);
    if (index < 0) {
      return prefix + " " + route;
    }
    String[] names = NAMES_BY_ROUTE.get(route);
    if (names == null) {
      if (NAMES_BY_ROUTE.size() >= MAX_NAMED_ROUTES) {
        return prefix + " " + route;
      }
      names = NAMES_BY_ROUTE.computeIfAbsent(route, r -> new String[METHOD_COUNT]);
    }
    String name = names[index];
    if (name == null) {
      // Two threads may both build it: either string will do, and a String is safe to share.
      name = prefix + " " + route;
      names[index] = name;
    }
    return name;
  }

  /** The slot of a normalised method in a route's names, or -1. */
  private static int methodIndex(String method) {
    switch (method) {
      case "GET": return 0;
      case "POST": return 1;
      case "PUT": return 2;
      case "DELETE": return 3;
      case "PATCH": return 4;
      case "HEAD": return 5;
      case "OPTIONS": return 6;
      case "TRACE": return 7;
      case "CONNECT": return 8;
      case "_OTHER": return 9;
      default: return -1;
    }
  }
}
