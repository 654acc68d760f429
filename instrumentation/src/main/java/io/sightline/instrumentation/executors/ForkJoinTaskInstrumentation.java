package io.sightline.instrumentation.executors;

import static io.sightline.instrumentation.api.Methods.isConstructor;
import static io.sightline.instrumentation.api.Methods.named;

import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every {@code ForkJoinPool} task, forked or submitted (including the adapters the pool makes of
 * Runnables and Callables, and the common pool's), runs through the final {@code doExec}. The
 * context is captured when the task is created: a subtask created inside {@code compute()}
 * inherits its parent's.
 */
final class ForkJoinTaskInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("java.util.concurrent.ForkJoinTask");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(isConstructor(), TaskAdvice.FORK_JOIN_CAPTURE);
    target.applyAdvice(named("doExec"), TaskAdvice.RUN_ONCE);
  }
}
