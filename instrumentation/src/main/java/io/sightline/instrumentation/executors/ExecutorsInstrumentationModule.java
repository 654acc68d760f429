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
 * ThreadPoolExecutor} or thread-per-task executor, and {@code CompletableFuture} stage callbacks,
 * are wrapped. See docs/context-and-api-bridge.md.
 */
public final class ExecutorsInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "executors";

  public ExecutorsInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(
        new FutureTaskInstrumentation(),
        new ForkJoinTaskInstrumentation(),
        new CompletableFutureInstrumentation(),
        new ExecutorExecuteInstrumentation());
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
