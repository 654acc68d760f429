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
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.core5.http.HttpRequest;

/**
 * HttpClient 5 async: {@code AsyncProtocolExec#execute(request, producer, scope, chain, callback)}
 * once per physical attempt; the span ends in the wrapped callback ({@code completed} or
 * {@code failed}), on an I/O reactor thread.
 */
final class AsyncProtocolExec5Instrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.hc.client5.http.impl.async.AsyncProtocolExec");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("execute").and(takesArguments(5)),
        AsyncProtocolExec5Instrumentation.class.getName() + "$ExecuteAdvice");
  }

  public static final class ExecuteAdvice {
    /**
     * Replaces the callback argument: the attempt ends only when the chain calls it back, so
     * wrapping it is the only way to see the end.
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object[] onEnter(
        @Advice.Argument(0) HttpRequest request,
        @Advice.Argument(2) AsyncExecChain.Scope scope,
        @Advice.Argument(value = 4, readOnly = false) AsyncExecCallback callback) {
      // No string '+' in advice: javac makes it invokedynamic, which old class files cannot hold.
      String url = new StringBuilder(scope.route.getTargetHost().toURI()).append(request.getPath()).toString();
      Object[] state = (Object[]) Hooks.enter(HookIds.APACHE_HTTPCLIENT5_ASYNC_EXEC, scope.exchangeId, request.getMethod(), url);
      if (state != null) {
        for (int i = 1; i + 1 < state.length; i += 2) {
          request.setHeader((String) state[i], state[i + 1]);
        }
        Object wrapped = Hooks.enter(HookIds.APACHE_HTTPCLIENT5_ASYNC_CALLBACK, state[0], callback, null);
        if (wrapped != null) {
          callback = (AsyncExecCallback) wrapped;
        }
      }
      return state;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object[] state, @Advice.Thrown Throwable thrown) {
      if (state != null && thrown != null) {
        Hooks.exit(HookIds.APACHE_HTTPCLIENT5_ASYNC_EXEC, state[0], null, null, thrown);
      }
    }
  }
}
