package io.sightline.instrumentation.annotations;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.api.ExceptionEvents;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Starts the span of a {@code @WithSpan} method and ends it when the method returns or throws,
 * or, for a {@code CompletableFuture}/{@code CompletionStage} result, when that completes.
 */
final class WithSpanHook extends Hook {
  private final Tracer tracer;
  private final ClassValue<ConcurrentHashMap<String, WithSpanMethod>> methods = new ClassValue<>() {
    @Override
    protected ConcurrentHashMap<String, WithSpanMethod> computeValue(Class<?> type) {
      return new ConcurrentHashMap<>();
    }
  };

  WithSpanHook(Tracer tracer) {
    super(AnnotationsInstrumentationModule.NAME);
    this.tracer = tracer;
  }

  @Override
  public Object enter(Object type, Object method, Object args) {
    Class<?> declaring = (Class<?>) type;
    WithSpanMethod target = methods.get(declaring)
        .computeIfAbsent((String) method, signature -> WithSpanMethod.resolve(declaring, signature));
    if (target == null) {
      return null;
    }
    Context parent = target.inheritContext ? Context.current() : Context.root();
    SpanBuilder builder = tracer.spanBuilder(target.spanName).setSpanKind(target.kind).setParent(parent)
        .setAttribute(WithSpanMethod.CODE_FUNCTION, target.codeFunction);
    target.addAttributes(builder, (Object[]) args);
    Span span = builder.startSpan();
    return new Active(span, parent.with(span).makeCurrent());
  }

  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    if (!(state instanceof Active)) {
      return;
    }
    Active active = (Active) state;
    active.scope.close();
    Span span = active.span;
    if (thrown != null) {
      endWithError(span, thrown);
    } else if (result instanceof CompletionStage) {
      ((CompletionStage<?>) result).whenComplete((value, error) -> {
        if (error != null) {
          endWithError(span, unwrap(error));
        } else {
          span.end();
        }
      });
    } else {
      span.end();
    }
  }

  private static void endWithError(Span span, Throwable error) {
    ExceptionEvents.record(span, error);
    span.setStatus(StatusCode.ERROR);
    span.end();
  }

  private static Throwable unwrap(Throwable error) {
    if ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
      return error.getCause();
    }
    return error;
  }

  private static final class Active {
    final Span span;
    final Scope scope;

    Active(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }
  }
}
