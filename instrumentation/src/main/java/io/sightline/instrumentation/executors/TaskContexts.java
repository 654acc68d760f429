package io.sightline.instrumentation.executors;

import io.sightline.instrumentation.api.WeakIdentityMap;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.instrumentation.api.PropagationBarrier;
import io.sightline.instrumentation.api.Suppression;

/**
 * The context captured for a task at submission (or creation, for JDK task objects) and made
 * current while the task runs. Only a context worth carrying is captured: one with a valid span,
 * or a suppressed one (so that the agent's own asynchronous export work stays untraced). Anything
 * else costs one thread-local read and no allocation.
 */
final class TaskContexts {
  private static final WeakIdentityMap<Object, Context> CONTEXTS = new WeakIdentityMap<>();

  private TaskContexts() {}

  /** The current context if it is worth propagating, else null. */
  static Context toPropagate() {
    Context current = Context.current();
    if (PropagationBarrier.isInside(current)) {
      return null;
    }
    if (Span.fromContext(current).getSpanContext().isValid() || Suppression.isSuppressed(current)) {
      return current;
    }
    return null;
  }

  static void capture(Object task, Context context) {
    CONTEXTS.put(task, context);
  }

  /** Forgets the task's captured context (it has run and will not run again). */
  static void forget(Object task) {
    CONTEXTS.remove(task);
  }

  /** Makes the task's captured context current; null when there is none or it is already current. */
  static Scope activate(Object task) {
    Context context = CONTEXTS.get(task);
    return context == null ? null : activate(context);
  }

  static Scope activate(Context context) {
    if (context == Context.current()) {
      return null;
    }
    return context.makeCurrent();
  }

  static int size() {
    return CONTEXTS.size();
  }
}
