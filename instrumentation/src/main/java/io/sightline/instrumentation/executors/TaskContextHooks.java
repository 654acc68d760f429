package io.sightline.instrumentation.executors;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.ContextTask;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.api.HookIds;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;

/** The hooks behind the executors advice; all of the logic is in {@link TaskContexts}. */
final class TaskContextHooks {
  private TaskContextHooks() {}

  /** A JDK task object was created: remember the current context for it. */
  static final class Capture extends Hook {
    Capture() {
      super(ExecutorsInstrumentationModule.NAME);
    }

    @Override
    public void exit(Object state, Object self, Object result, Throwable thrown) {
      TaskContexts.capture(self);
    }
  }

  /** A JDK task object runs: its captured context is current until it returns. */
  static final class Run extends Hook {
    Run() {
      super(ExecutorsInstrumentationModule.NAME);
    }

    @Override
    public Object enter(Object self, Object arg0, Object arg1) {
      return TaskContexts.activate(self);
    }

    @Override
    public void exit(Object state, Object self, Object result, Throwable thrown) {
      if (state != null) {
        ((Scope) state).close();
      }
    }
  }

  /**
   * A plain Runnable is handed to an executor: wrap it when there is a context to carry. JDK task
   * objects are not wrapped: they carry their own context, and wrapping them would hide them from
   * {@code afterExecute} overrides that look for a {@code Future}.
   */
  static final class Wrap extends Hook {
    Wrap() {
      super(ExecutorsInstrumentationModule.NAME);
    }

    @Override
    public Object enter(Object self, Object task, Object unused) {
      if (task == null || task instanceof FutureTask || task instanceof ForkJoinTask || task instanceof ContextTask) {
        return null;
      }
      Context context = TaskContexts.toPropagate();
      return context == null ? null : new ContextTask(HookIds.EXECUTORS_WRAPPED_RUN, (Runnable) task, context);
    }
  }

  /** A wrapped Runnable runs: the context it carries is current until it returns. */
  static final class WrappedRun extends Hook {
    WrappedRun() {
      super(ExecutorsInstrumentationModule.NAME);
    }

    @Override
    public Object enter(Object self, Object context, Object unused) {
      return TaskContexts.activate((Context) context);
    }

    @Override
    public void exit(Object state, Object self, Object result, Throwable thrown) {
      if (state != null) {
        ((Scope) state).close();
      }
    }
  }
}
