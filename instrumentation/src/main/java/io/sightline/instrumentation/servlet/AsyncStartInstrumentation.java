package io.sightline.instrumentation.servlet;

import static io.sightline.instrumentation.api.Methods.isAbstract;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.not;
import static io.sightline.instrumentation.api.Methods.takesArgument;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code AsyncContext.start(Runnable)} of one servlet API flavour: the container runs the work on a
 * pool of its own (Tomcat's, Jetty's {@code QueuedThreadPool}, XNIO's), which the executors
 * instrumentation does not see, so the Runnable is wrapped here with the request's context.
 */
final class AsyncStartInstrumentation implements TypeInstrumentation {
  private final String prefix;
  private final String adviceClassName;

  AsyncStartInstrumentation(String prefix, boolean jakarta) {
    this.prefix = prefix;
    this.adviceClassName = AsyncStartInstrumentation.class.getName() + (jakarta ? "$JakartaAdvice" : "$JavaxAdvice");
  }

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return SuperTypes.declaresMethodNamed("start").and(SuperTypes.classBelow(prefix + ".AsyncContext"));
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("start").and(takesArguments(1)).and(takesArgument(0, Runnable.class)).and(not(isAbstract())),
        adviceClassName);
  }

  public static final class JavaxAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      Object wrapped = Hooks.enter(HookIds.SERVLET_JAVAX_ASYNC_START, null, task, null);
      if (wrapped != null) {
        task = (Runnable) wrapped;
      }
    }
  }

  public static final class JakartaAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      Object wrapped = Hooks.enter(HookIds.SERVLET_JAKARTA_ASYNC_START, null, task, null);
      if (wrapped != null) {
        task = (Runnable) wrapped;
      }
    }
  }
}
