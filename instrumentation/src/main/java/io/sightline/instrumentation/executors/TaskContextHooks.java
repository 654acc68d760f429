package io.sightline.instrumentation.executors;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.ContextCallback;
import io.sightline.bootstrap.ContextTask;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.api.HookIds;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** The hooks behind the executors advice; all of the logic is in {@link TaskContexts}. */
final class TaskContextHooks {
  private TaskContextHooks() {}

  /**
   * A JDK task object was created: remember the current context for it. Not called for {@code
   * CompletableFuture}'s internal tasks, which are {@code ForkJoinTask}s too: the advice leaves them
   * out ({@code TaskAdvice.ForkJoinCaptureAdvice}), and their callbacks are wrapped instead
   * ({@link WrapCallback}).
   */
  static final class Capture extends Hook {
    Capture() {
      super(ExecutorsInstrumentationModule.NAME);
    }

    @Override
    public void exit(Object state, Object self, Object result, Throwable thrown) {
      if (self == null) {
        return;
      }
      Context context = TaskContexts.toPropagate();
      if (context != null) {
        TaskContexts.capture(self, context);
      }
    }
  }

  /** A task that runs once ({@code FutureTask.run}, {@code ForkJoinTask.doExec}): as {@link Run}, then forgotten once done. */
  static final class RunOnce extends Hook {
    RunOnce() {
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
      if (self instanceof Future && ((Future<?>) self).isDone()) {
        TaskContexts.forget(self);
      }
    }
  }

  /**
   * A {@code CompletableFuture} stage is created: its callback is wrapped with the current context
   * when there is one worth carrying. The kind of callback is the method's last parameter type,
   * read once per descriptor.
   */
  static final class WrapCallback extends Hook {
    private static final int FUNCTION = 1;
    private static final int BI_FUNCTION = 2;
    private static final int CONSUMER = 3;
    private static final int BI_CONSUMER = 4;
    private static final int SUPPLIER = 5;
    private static final int RUNNABLE = 6;
    private static final int OTHER = 0;

    private final Map<String, Integer> kinds = new ConcurrentHashMap<>();

    WrapCallback() {
      super(ExecutorsInstrumentationModule.NAME);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object enter(Object descriptor, Object callback, Object unused) {
      if (callback == null || callback instanceof ContextCallback || callback instanceof ContextTask) {
        return null;
      }
      Context context = TaskContexts.toPropagate();
      if (context == null) {
        return null;
      }
      int id = HookIds.EXECUTORS_WRAPPED_RUN;
      switch (kinds.computeIfAbsent(String.valueOf(descriptor), WrapCallback::lastParameterKind)) {
        case FUNCTION: return ContextCallback.function(id, (Function) callback, context);
        case BI_FUNCTION: return ContextCallback.biFunction(id, (BiFunction) callback, context);
        case CONSUMER: return ContextCallback.consumer(id, (Consumer) callback, context);
        case BI_CONSUMER: return ContextCallback.biConsumer(id, (BiConsumer) callback, context);
        case SUPPLIER: return ContextCallback.supplier(id, (Supplier) callback, context);
        case RUNNABLE: return new ContextTask(id, (Runnable) callback, context);
        default: return null;
      }
    }

    /** {@code (Ljava/util/concurrent/Executor;Ljava/util/function/Function;)L...;} gives FUNCTION. */
    static int lastParameterKind(String descriptor) {
      int end = descriptor.indexOf(')');
      int start = descriptor.lastIndexOf(';', end - 2) + 1;
      if (end < 0 || start <= 0 || descriptor.charAt(start) != 'L') {
        return OTHER;
      }
      switch (descriptor.substring(start + 1, end - 1)) {
        case "java/util/function/Function": return FUNCTION;
        case "java/util/function/BiFunction": return BI_FUNCTION;
        case "java/util/function/Consumer": return CONSUMER;
        case "java/util/function/BiConsumer": return BI_CONSUMER;
        case "java/util/function/Supplier": return SUPPLIER;
        case "java/lang/Runnable": return RUNNABLE;
        default: return OTHER;
      }
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
