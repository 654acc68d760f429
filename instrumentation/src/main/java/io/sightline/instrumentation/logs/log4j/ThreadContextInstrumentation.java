package io.sightline.instrumentation.logs.log4j;

import static io.sightline.instrumentation.api.Methods.isStatic;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** {@code ThreadContext.get("trace_id")} in application code answers during a request. */
final class ThreadContextInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.logging.log4j.ThreadContext");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(isStatic().and(named("get")).and(takesArguments(String.class)),
        ThreadContextInstrumentation.class.getName() + "$GetAdvice");
  }

  public static final class GetAdvice {
    // readOnly = false: answering the lookup is the whole point; the thread context is never written.
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Argument(0) String key, @Advice.Return(readOnly = false) String value) {
      if (value == null) {
        Object traceValue = Hooks.enter(HookIds.LOG4J_THREAD_CONTEXT_GET, null, key, null);
        if (traceValue != null) {
          value = (String) traceValue;
        }
      }
    }
  }
}
