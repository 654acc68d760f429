package io.sightline.bootstrap;

/**
 * A {@link Runnable} that carries a captured context to the thread that runs it.
 *
 * <p>Why it exists, and in the bootstrap: a plain {@code Runnable} (a lambda, typically) handed to
 * {@code ThreadPoolExecutor.execute} has no object of its own that the agent could key a context
 * on and no method the agent could advise (lambda classes cannot be retransformed), so it has to
 * be wrapped. The wrapper is created by advice inlined into {@code java.base}, which sees only
 * bootstrap classes. It knows nothing about OpenTelemetry: the context is an opaque object and
 * the hook registered under {@code hookId} makes it current around {@link #run()}.
 */
public final class ContextTask implements Runnable {
  private final int hookId;
  private final Runnable delegate;
  private final Object context;

  public ContextTask(int hookId, Runnable delegate, Object context) {
    this.hookId = hookId;
    this.delegate = delegate;
    this.context = context;
  }

  public Runnable delegate() {
    return delegate;
  }

  @Override
  public void run() {
    Object scope = Hooks.enter(hookId, this, context, null);
    try {
      delegate.run();
    } finally {
      Hooks.exit(hookId, scope, this, null, null);
    }
  }

  @Override
  public String toString() {
    // Rejection messages and thread dumps name the task: keep showing the application's.
    return String.valueOf(delegate);
  }
}
