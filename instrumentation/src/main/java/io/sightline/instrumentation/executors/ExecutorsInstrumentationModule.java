package io.sightline.instrumentation.executors;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.util.Arrays;
import java.util.List;

/**
 * Context propagation across {@code java.util.concurrent}: the context current when work is
 * handed over is current while it runs, and removed afterwards. JDK task objects ({@code
 * FutureTask}, {@code ForkJoinTask}) get their context recorded, in a weak identity map, when they
 * are created, and removed when they have run; plain Runnables given to a {@code
 * ThreadPoolExecutor}, thread-per-task executor or Spring thread-per-task executor, and {@code
 * CompletableFuture} stage callbacks,
 * are wrapped. See docs/context-and-api-bridge.md.
 */
public final class ExecutorsInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "executors";

  public ExecutorsInstrumentationModule() {
    super(NAME);
  }

  /**
   * The task and executor classes, loaded before the install: {@code ForkJoinTask} in particular is
   * often first loaded only when an application's first {@code ForkJoinPool} task or
   * {@code CompletableFuture} stage runs, and was found never transformed in some starts of a test
   * app (a class first loaded inside another class's transformation is left alone), which left
   * every fork-join hand-over without its context.
   */
  @Override
  public List<String> jdkClassesToLoadFirst() {
    return Arrays.asList("java.util.concurrent.FutureTask", "java.util.concurrent.ForkJoinTask",
        "java.util.concurrent.CompletableFuture", "java.util.concurrent.ThreadPoolExecutor",
        "java.util.concurrent.ThreadPerTaskExecutor");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(
        new FutureTaskInstrumentation(),
        new ForkJoinTaskInstrumentation(),
        new CompletableFutureInstrumentation(),
        new ExecutorExecuteInstrumentation(),
        new SpringTaskExecutorInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.EXECUTORS_CAPTURE, new TaskContextHooks.Capture());
    Hooks.register(HookIds.EXECUTORS_RUN, new TaskContextHooks.Run());
    Hooks.register(HookIds.EXECUTORS_WRAP, new TaskContextHooks.Wrap());
    Hooks.register(HookIds.EXECUTORS_WRAPPED_RUN, new TaskContextHooks.WrappedRun());
    Hooks.register(HookIds.EXECUTORS_RUN_ONCE, new TaskContextHooks.RunOnce());
    Hooks.register(HookIds.EXECUTORS_WRAP_CALLBACK, new TaskContextHooks.WrapCallback());
  }
}
