package io.sightline.instrumentation.executors;

import static io.sightline.instrumentation.api.Methods.isDeclaredBy;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArgument;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Spring's executors that start a thread per task instead of handing it to a JDK executor:
 * {@code SimpleAsyncTaskExecutor} (Spring's default for {@code @Async} without a configured executor,
 * and Spring Boot's {@code applicationTaskExecutor} with {@code spring.threads.virtual.enabled=true})
 * through its {@code doExecute(Runnable)}, which every {@code execute} and {@code submit} reaches, and
 * {@code VirtualThreadTaskExecutor.execute(Runnable)} (Spring 6.1+). Neither goes through an
 * instrumented JDK executor, so a Runnable they run would lose the caller's context: it is wrapped
 * as {@code ThreadPoolExecutor.execute}'s is. Tasks already carrying a context (a {@code FutureTask}
 * from {@code submit}) are left alone by the hook.
 */
final class SpringTaskExecutorInstrumentation implements TypeInstrumentation {
  private static final String VIRTUAL = "org.springframework.core.task.VirtualThreadTaskExecutor";

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.namedOneOf("org.springframework.core.task.SimpleAsyncTaskExecutor", VIRTUAL);
  }

  @Override
  public void transform(AdviceTarget target) {
    // SimpleAsyncTaskExecutor.execute reaches doExecute (after any TaskDecorator and concurrency
    // throttle), so only doExecute is advised there: one wrapper per task.
    target.applyAdvice(takesArguments(1).and(takesArgument(0, Runnable.class))
        .and(named("doExecute").or(named("execute").and(isDeclaredBy(VIRTUAL)))),
        ExecutorExecuteInstrumentation.class.getName() + "$ExecuteAdvice");
  }
}
