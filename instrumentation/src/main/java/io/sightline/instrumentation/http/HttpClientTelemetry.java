package io.sightline.instrumentation.http;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.sightline.instrumentation.api.AttributeSets;
import io.sightline.instrumentation.api.MetricBuckets;
import io.sightline.instrumentation.api.Suppression;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The CLIENT span and {@code http.client.request.duration} of one physical attempt of an
 * outgoing HTTP request, shared by every client instrumentation: {@link #start}, then inject the
 * headers of {@link #headers}, then {@link #end}.
 *
 * <p>Nothing is traced while {@link Suppression} is on (the agent's own exports) or while a
 * CLIENT span of this agent is already current (a client library layered on another one).
 */
public final class HttpClientTelemetry {
  public static final String DURATION = "http.client.request.duration";
  private static final ContextKey<Boolean> CLIENT_ACTIVE = ContextKey.named("sightline-http-client-span");
  private static final TextMapSetter<List<String>> LIST_SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.add(key);
      carrier.add(value);
    }
  };

  /** {method, host, error type, -, port << 32 | status}: one set per combination, not one per call. */
  private static final AttributeSets DURATION_ATTRIBUTES = new AttributeSets((method, host, errorType, unused, portAndStatus) -> {
    AttributesBuilder attributes = Attributes.builder().put(SemanticAttributes.HTTP_REQUEST_METHOD, (String) method);
    if (host != null) {
      attributes.put(SemanticAttributes.SERVER_ADDRESS, (String) host);
    }
    int port = (int) (portAndStatus >> 32);
    int status = (int) portAndStatus;
    if (port > 0) {
      attributes.put(SemanticAttributes.SERVER_PORT, (long) port);
    }
    if (status >= 100) {
      attributes.put(SemanticAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
    }
    if (errorType != null) {
      attributes.put(SemanticAttributes.ERROR_TYPE, (String) errorType);
    }
    return attributes.build();
  });

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final DoubleHistogram duration;
  private final ClientUrl.Cache urls;
  private final AppRetries appRetries = new AppRetries();

  public HttpClientTelemetry(OpenTelemetry openTelemetry, String instrumentationName) {
    String scope = "io.sightline." + instrumentationName;
    this.tracer = openTelemetry.getTracer(scope);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.duration = openTelemetry.getMeter(scope).histogramBuilder(DURATION)
        .setUnit("s")
        .setDescription("Duration of HTTP client requests.")
        .setExplicitBucketBoundariesAdvice(MetricBuckets.forInstrument(DURATION, SemanticAttributes.DURATION_BUCKETS))
        .build();
    this.urls = new ClientUrl.Cache(QueryRedactor.fromSettings());
  }

  /** Whether a client span may start under this parent: not suppressed, not nested in another. */
  public static boolean shouldStart(Context parent) {
    return !Suppression.isSuppressed(parent) && parent.get(CLIENT_ACTIVE) == null;
  }

  /**
   * The method the request was really sent with, when the client changed it after the span
   * started ({@code HttpURLConnection} turns a GET into a POST in {@code getOutputStream}): the
   * span's name and method, and the measurement to come, follow it.
   */
  public void updateMethod(ClientCall call, String rawMethod) {
    if (rawMethod == null || call.isEnded()) {
      return;
    }
    String method = SemanticAttributes.normalizeMethod(rawMethod);
    if (method.equals(call.method)) {
      return;
    }
    call.method = method;
    call.span.updateName("_OTHER".equals(method) ? "HTTP" : method);
    call.span.setAttribute(SemanticAttributes.HTTP_REQUEST_METHOD, method);
    if (!method.equals(rawMethod)) {
      call.span.setAttribute("http.request.method_original", rawMethod);
    }
  }

  /**
   * Starts the CLIENT span of one attempt, or returns null when it must not be traced.
   *
   * @param resendCount the client library's own count of this attempt (0 for the first); when 0,
   *     an application-level retry of a failed identical request is recognised instead
   */
  public ClientCall start(Context parent, String rawMethod, String url, int resendCount) {
    return start(parent, rawMethod, url, resendCount, 0L);
  }

  /** As {@link #start(Context, String, String, int)}, with an earlier start ({@link System#nanoTime}), or 0 for now. */
  public ClientCall start(Context parent, String rawMethod, String url, int resendCount, long startedNanos) {
    if (!shouldStart(parent)) {
      return null;
    }
    long now = System.nanoTime();
    long startNanos = startedNanos != 0L ? startedNanos : now;
    String method = SemanticAttributes.normalizeMethod(rawMethod);
    ClientUrl parsed = urls.parse(url);
    SpanContext parentContext = Span.fromContext(parent).getSpanContext();
    String parentSpanId = parentContext.isValid() ? parentContext.getSpanId() : null;
    int resends = resendCount;
    if (resends == 0 && parentSpanId != null) {
      resends = appRetries.resendCount(parentSpanId, method, parsed.full);
    }
    SpanBuilder builder = tracer.spanBuilder("_OTHER".equals(method) ? "HTTP" : method)
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(SemanticAttributes.HTTP_REQUEST_METHOD, method);
    if (startedNanos != 0L) {
      builder.setStartTimestamp(System.currentTimeMillis() * 1_000_000L - (now - startedNanos), TimeUnit.NANOSECONDS);
    }
    if (rawMethod != null && !method.equals(rawMethod)) {
      builder.setAttribute("http.request.method_original", rawMethod);
    }
    if (parsed.full != null) {
      builder.setAttribute(SemanticAttributes.URL_FULL, parsed.full);
    }
    if (parsed.host != null) {
      builder.setAttribute(SemanticAttributes.SERVER_ADDRESS, parsed.host);
    }
    if (parsed.port > 0) {
      builder.setAttribute(SemanticAttributes.SERVER_PORT, (long) parsed.port);
    }
    if (resends > 0) {
      builder.setAttribute(SemanticAttributes.HTTP_REQUEST_RESEND_COUNT, (long) resends);
    }
    Span span = builder.startSpan();
    Context context = parent.with(span).with(CLIENT_ACTIVE, Boolean.TRUE);
    return new ClientCall(span, context, startNanos, method, parsed, parentSpanId, resends);
  }

  /** Injects the propagation headers of the call (W3C and whatever otel.propagators selects). */
  public <C> void inject(ClientCall call, C carrier, TextMapSetter<C> setter) {
    propagator.inject(call.context, carrier, setter);
  }

  /** The propagation headers as name, value, name, value... */
  public List<String> headers(ClientCall call) {
    List<String> headers = new ArrayList<>(4);
    propagator.inject(call.context, headers, LIST_SETTER);
    return headers;
  }

  /**
   * Ends the attempt once (later calls do nothing).
   *
   * @param statusCode the response status, or a value below 100 when there was no response
   * @param error what the attempt failed with, or null
   */
  public void end(ClientCall call, int statusCode, Throwable error) {
    if (call == null || !call.markEnded()) {
      return;
    }
    Throwable cause = unwrap(error);
    Span span = call.span;
    String errorType = null;
    if (statusCode >= 100) {
      span.setAttribute(SemanticAttributes.HTTP_RESPONSE_STATUS_CODE, SemanticAttributes.statusCode(statusCode));
    }
    if (cause != null) {
      errorType = cause.getClass().getName();
      span.recordException(cause);
      span.setStatus(StatusCode.ERROR, cause.getClass().getSimpleName());
    } else if (statusCode >= 400) {
      errorType = Integer.toString(statusCode);
      span.setStatus(StatusCode.ERROR);
    }
    if (errorType != null) {
      span.setAttribute(SemanticAttributes.ERROR_TYPE, errorType);
    }
    span.end();

    long portAndStatus = ((long) call.url.port << 32) | (statusCode & 0xFFFFFFFFL);
    duration.record((System.nanoTime() - call.startNanos) / 1e9,
        DURATION_ATTRIBUTES.get(call.method, call.url.host, errorType, null, portAndStatus), call.context);
    if (call.parentSpanId != null) {
      appRetries.record(call.parentSpanId, call.method, call.url.full, call.resendCount, AppRetries.isRetryable(statusCode, cause));
    }
  }

  /**
   * Notes a response status as soon as it is known, before the body is read: an async client may
   * complete the application's future before the attempt ends, and a retry that follows must
   * still be recognised as one.
   */
  public void responseStatus(ClientCall call, int statusCode) {
    if (call != null && call.parentSpanId != null && !call.isEnded()) {
      appRetries.record(call.parentSpanId, call.method, call.url.full, call.resendCount, AppRetries.isRetryable(statusCode, null));
    }
  }

  /** The exception a future or a reflective call wrapped. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException
        || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
