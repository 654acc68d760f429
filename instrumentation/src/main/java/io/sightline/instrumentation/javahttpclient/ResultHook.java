package io.sightline.instrumentation.javahttpclient;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.http.ClientCall;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Ends the span when the future completes and returns a future that completes in the caller's
 * context (cancelling it cancels the original, as the JDK's own {@code send} relies on).
 */
final class ResultHook extends Hook {
  private final HttpClientTelemetry telemetry;

  ResultHook(HttpClientTelemetry telemetry) {
    super(JavaHttpClientInstrumentationModule.NAME);
    this.telemetry = telemetry;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object enter(Object self, Object arg0, Object arg1) {
    ClientCall call = (ClientCall) self;
    if (call == null) {
      return null;
    }
    if (arg1 instanceof Throwable || !(arg0 instanceof CompletableFuture)) {
      telemetry.end(call, -1, (Throwable) arg1);
      return null;
    }
    Context parent = Context.current();
    CompletableFuture original = (CompletableFuture) arg0;
    CompletableFuture wrapped = new CancellingFuture(original);
    original.whenComplete((response, error) -> {
      int status = response instanceof HttpResponse ? ((HttpResponse<?>) response).statusCode() : -1;
      try {
        telemetry.end(call, status, (Throwable) error);
      } catch (Throwable ignored) {
        // never let telemetry change the outcome
      }
      try (Scope ignored = parent.makeCurrent()) {
        if (error != null) {
          wrapped.completeExceptionally((Throwable) error);
        } else {
          wrapped.complete(response);
        }
      }
    });
    return wrapped;
  }

  /** The future handed back: cancelling it cancels the client's own. */
  private static final class CancellingFuture<T> extends CompletableFuture<T> {
    private final CompletableFuture<?> original;

    CancellingFuture(CompletableFuture<?> original) {
      this.original = original;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      original.cancel(mayInterruptIfRunning);
      return cancelled;
    }
  }
}
