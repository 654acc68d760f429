package io.sightline.instrumentation.okhttp;

import static io.sightline.instrumentation.api.Methods.nameStartsWith;
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
import okhttp3.Callback;

/**
 * {@code RealCall} ({@code okhttp3.RealCall} in OkHttp 3, {@code okhttp3.internal.connection}
 * since 4): {@code getResponseWithInterceptorChain} runs each call, sync or async, on the thread
 * that executes it; {@code enqueue} is where an async call leaves the caller's thread.
 */
final class RealCallInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.namedOneOf("okhttp3.internal.connection.RealCall", "okhttp3.RealCall");
  }

  @Override
  public void transform(AdviceTarget target) {
    String prefix = RealCallInstrumentation.class.getName();
    target.applyAdvice(nameStartsWith("getResponseWithInterceptorChain").and(takesArguments(0)), prefix + "$ChainAdvice");
    target.applyAdvice(named("enqueue").and(takesArguments(1)), prefix + "$EnqueueAdvice");
  }

  public static final class ChainAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object call) {
      return Hooks.enter(HookIds.OKHTTP_CALL_CHAIN, call, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.This Object call, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.OKHTTP_CALL_CHAIN, state, call, null, thrown);
    }
  }

  public static final class EnqueueAdvice {
    /**
     * Replaces the callback with one that runs in the caller's context: the callback is invoked on
     * a dispatcher thread, and wrapping it is the only way to give it that context.
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object call, @Advice.Argument(value = 0, readOnly = false) Callback callback) {
      Object wrapped = Hooks.enter(HookIds.OKHTTP_ENQUEUE, call, callback, null);
      if (wrapped != null) {
        callback = (Callback) wrapped;
      }
    }
  }
}
