package io.sightline.instrumentation.api;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

/**
 * Marks work that instrumentation must not trace: above all the agent's own exports, whose HTTP
 * calls would otherwise produce CLIENT spans that are exported, that produce spans, and so on.
 * Client instrumentations check {@link #isSuppressed()} before starting a span.
 */
public final class Suppression {
  private static final ContextKey<Boolean> KEY = ContextKey.named("sightline-suppress-instrumentation");

  private Suppression() {}

  public static boolean isSuppressed() {
    return isSuppressed(Context.current());
  }

  public static boolean isSuppressed(Context context) {
    return context.get(KEY) != null;
  }

  /** Makes the current context a suppressed one until the scope is closed. */
  public static Scope suppress() {
    return suppressed(Context.current()).makeCurrent();
  }

  /** The context, marked as one in which nothing is traced. */
  public static Context suppressed(Context context) {
    return context.with(KEY, Boolean.TRUE);
  }
}
