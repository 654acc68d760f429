package io.sightline.instrumentation.http;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicBoolean;

/** One physical attempt of an outgoing request: its CLIENT span and what its metric needs. */
public final class ClientCall {
  final Span span;
  final Context context;
  final long startNanos;
  /** Normalised; changed only by {@link HttpClientTelemetry#updateMethod} before the end. */
  volatile String method;
  final ClientUrl url;
  final String parentSpanId;
  final int resendCount;
  private final AtomicBoolean ended = new AtomicBoolean();

  ClientCall(Span span, Context context, long startNanos, String method, ClientUrl url, String parentSpanId, int resendCount) {
    this.span = span;
    this.context = context;
    this.startNanos = startNanos;
    this.method = method;
    this.url = url;
    this.parentSpanId = parentSpanId;
    this.resendCount = resendCount;
  }

  /** The context with the CLIENT span: what is injected and what nested instrumentation sees. */
  public Context context() {
    return context;
  }

  boolean markEnded() {
    return ended.compareAndSet(false, true);
  }

  public boolean isEnded() {
    return ended.get();
  }
}
