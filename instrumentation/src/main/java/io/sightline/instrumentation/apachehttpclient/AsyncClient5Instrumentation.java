package io.sightline.instrumentation.apachehttpclient;

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
import org.apache.hc.core5.concurrent.FutureCallback;

/**
 * HttpClient 5 async: {@code InternalAbstractHttpAsyncClient#doExecute}, where every
 * {@code execute} ends; the application's {@code FutureCallback} is wrapped to run in the
 * caller's context.
 */
final class AsyncClient5Instrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("doExecute").and(takesArguments(6)),
        AsyncClient5Instrumentation.class.getName() + "$DoExecuteAdvice");
  }

  public static final class DoExecuteAdvice {
    /** Replaces the callback argument: it runs on an I/O thread, and wrapping is the only way to give it the caller's context. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 5, readOnly = false) FutureCallback<?> callback) {
      if (callback != null) {
        Object wrapped = Hooks.enter(HookIds.APACHE_HTTPCLIENT5_ASYNC_EXECUTE, null, callback, null);
        if (wrapped != null) {
          callback = (FutureCallback<?>) wrapped;
        }
      }
    }
  }
}
