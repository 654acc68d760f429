package io.sightline.instrumentation.executors;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code CompletableFuture}'s internal tasks are {@code ForkJoinTask}s (so their context is
 * captured on creation) but do not always run through {@code doExec}: {@code AsyncSupply} and
 * {@code AsyncRun} are run directly by other executors (and by the thread-per-task fallback used
 * when the common pool has parallelism 1), and a dependent stage ({@code thenApply} and the rest)
 * fires through {@code tryFire} on whichever thread completes its source.
 */
final class CompletableFutureTaskInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return nameStartsWith("java.util.concurrent.CompletableFuture$");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("tryFire").and(not(isAbstract())), TaskAdvice.RUN);
    target.applyAdvice(named("run").and(takesArguments(0)).and(not(isAbstract()))
        .and(isDeclaredBy(
            nameStartsWith("java.util.concurrent.CompletableFuture$Async"))), TaskAdvice.RUN);
  }
}
