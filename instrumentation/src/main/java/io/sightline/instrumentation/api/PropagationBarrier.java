package io.sightline.instrumentation.api;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

/**
 * Marks a library call whose own asynchronous machinery needs no context carried through it:
 * while the marked context is current, the executors instrumentation wraps no task and no
 * {@code CompletableFuture} callback. For a client whose instrumentation already handles the
 * call's context itself at the entry point (span, propagation headers, completion in the
 * caller's context), carrying the context through every internal hand-over costs a wrapper and
 * two context switches per stage and tells nothing: the JDK HttpClient creates dozens of stages
 * and tasks per request.
 */
public final class PropagationBarrier {
  private static final ContextKey<Boolean> KEY = ContextKey.named("sightline-propagation-barrier");

  private PropagationBarrier() {}

  /** Whether tasks handed over in this context should run without it. */
  public static boolean isInside(Context context) {
    return context.get(KEY) != null;
  }

  /** Makes the current context a barrier one until the scope is closed. */
  public static Scope enter() {
    return Context.current().with(KEY, Boolean.TRUE).makeCurrent();
  }
}
