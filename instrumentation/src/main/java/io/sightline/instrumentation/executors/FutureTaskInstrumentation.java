package io.sightline.instrumentation.executors;

import static io.sightline.instrumentation.api.Methods.isConstructor;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code FutureTask} is what {@code submit}, {@code invokeAll}, {@code invokeAny} and every
 * {@code schedule*} method of the JDK executors actually run ({@code ScheduledFutureTask} and the
 * completion service's tasks extend it). Periodic tasks run through {@code runAndReset}.
 */
final class FutureTaskInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("java.util.concurrent.FutureTask");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(isConstructor(), TaskAdvice.CAPTURE);
    target.applyAdvice(named("run").and(takesArguments(0)), TaskAdvice.RUN_ONCE);
    // A periodic task runs again: its context stays recorded until the task is collected.
    target.applyAdvice(named("runAndReset"), TaskAdvice.RUN);
  }
}
