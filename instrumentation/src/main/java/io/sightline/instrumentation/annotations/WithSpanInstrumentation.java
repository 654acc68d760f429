package io.sightline.instrumentation.annotations;

import static io.sightline.instrumentation.api.Methods.isAbstract;
import static io.sightline.instrumentation.api.Methods.isAnnotatedWith;
import static io.sightline.instrumentation.api.Methods.isMethod;
import static io.sightline.instrumentation.api.Methods.not;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.MethodMatcher;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/** Any class that declares a method annotated with {@code @WithSpan}. */
final class WithSpanInstrumentation implements TypeInstrumentation {
  private static final MethodMatcher ANNOTATED =
      isMethod().and(not(isAbstract())).and(isAnnotatedWith(ApplicationApiNames.WITH_SPAN));

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return SuperTypes.declaresMethodAnnotated(ApplicationApiNames.WITH_SPAN, ANNOTATED);
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(ANNOTATED, WithSpanInstrumentation.class.getName() + "$WithSpanAdvice");
  }

  public static final class WithSpanAdvice {
    /**
     * The hook finds the annotations from the declaring class and the method's name and
     * descriptor (constants here), once per method; the arguments feed {@code @SpanAttribute}.
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.Origin Class<?> type, @Advice.Origin("#m#d") String method,
        @Advice.AllArguments Object[] args) {
      return Hooks.enter(HookIds.WITH_SPAN, type, method, args);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void onExit(@Advice.Enter Object span,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.WITH_SPAN, span, null, result, thrown);
    }
  }
}
