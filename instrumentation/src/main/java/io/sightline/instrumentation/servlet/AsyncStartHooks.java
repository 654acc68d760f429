package io.sightline.instrumentation.servlet;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.ContextTask;
import io.sightline.bootstrap.Hook;

/** The hooks behind {@link AsyncStartInstrumentation}: wrap the Runnable, then run it in its context. */
final class AsyncStartHooks {
  private AsyncStartHooks() {}

  /** {@code AsyncContext.start(task)}: the task carries the current context when it holds a span. */
  static final class Wrap extends Hook {
    private final int runHookId;

    Wrap(int runHookId) {
      super(ServletInstrumentationModule.NAME);
      this.runHookId = runHookId;
    }

    @Override
    public Object enter(Object self, Object task, Object unused) {
      if (!(task instanceof Runnable) || task instanceof ContextTask) {
        return null;
      }
      Context context = Context.current();
      if (!Span.fromContext(context).getSpanContext().isValid()) {
        return null;
      }
      return new ContextTask(runHookId, (Runnable) task, context);
    }
  }

  /** The wrapped task runs: its context is current until it returns. */
  static final class Run extends Hook {
    Run() {
      super(ServletInstrumentationModule.NAME);
    }

    @Override
    public Object enter(Object self, Object context, Object unused) {
      return ((Context) context).makeCurrent();
    }

    @Override
    public void exit(Object state, Object self, Object result, Throwable thrown) {
      if (state != null) {
        ((Scope) state).close();
      }
    }
  }
}
