package io.sightline.instrumentation.jdkhttpserver;

import static io.sightline.instrumentation.api.Methods.isConstructor;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code com.sun.net.httpserver.Filter.Chain}, which the server builds for every exchange from the
 * context's filters. A context created before the agent was installed (a late attach) never went
 * through {@code createContext}'s advice: its chain is given the tracing filter first, in a list
 * of its own, so the context's list is never changed while other exchanges iterate it.
 */
final class FilterChainInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("com.sun.net.httpserver.Filter$Chain");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(isConstructor().and(takesArguments(2)), FilterChainInstrumentation.class.getName() + "$ConstructorAdvice");
  }

  public static final class ConstructorAdvice {
    /** Replaces the filter list (readOnly = false) when the hook answers one. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object filters,
        @Advice.Argument(1) Object handler) {
      Object withTracing = Hooks.enter(HookIds.JDK_HTTP_SERVER_FILTER_CHAIN, null, filters, handler);
      if (withTracing != null) {
        filters = withTracing;
      }
    }
  }
}
