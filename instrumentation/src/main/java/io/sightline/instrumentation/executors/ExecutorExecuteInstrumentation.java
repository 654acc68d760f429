package io.sightline.instrumentation.executors;

import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArgument;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code execute(Runnable)} of {@code ThreadPoolExecutor} (every fixed, cached and single-thread
 * pool of {@code Executors}) and of {@code ThreadPerTaskExecutor} (virtual threads on JDK 21+):
 * the only way in for a plain Runnable, which has no task object of the JDK's around it.
 */
final class ExecutorExecuteInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.namedOneOf("java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.ThreadPerTaskExecutor");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("execute").and(takesArguments(1)).and(takesArgument(0, Runnable.class)),
        ExecutorExecuteInstrumentation.class.getName() + "$ExecuteAdvice");
  }

  public static final class ExecuteAdvice {
    /**
     * Replaces the argument (readOnly = false) because there is no alternative: a lambda cannot be
     * advised and has no identity worth keying on once the executor has queued it.
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object executor,
        @Advice.Argument(value = 0, readOnly = false) Runnable task) {
      Object wrapped = Hooks.enter(HookIds.EXECUTORS_WRAP, executor, task, null);
      if (wrapped != null) {
        task = (Runnable) wrapped;
      }
    }
  }
}
