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
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;

/** {@code org.apache.hc.client5.http.impl.classic.ProtocolExec#execute(request, scope, chain)}. */
final class ProtocolExec5Instrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.hc.client5.http.impl.classic.ProtocolExec");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("execute").and(takesArguments(3)),
        ProtocolExec5Instrumentation.class.getName() + "$ExecuteAdvice");
  }

  public static final class ExecuteAdvice {
    /** The hook returns {call, header name, value, ...}; the request is the chain's own copy. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object[] onEnter(@Advice.Argument(0) ClassicHttpRequest request, @Advice.Argument(1) ExecChain.Scope scope) {
      // No string '+' in advice: javac makes it invokedynamic, which old class files cannot hold.
      String url = new StringBuilder(scope.route.getTargetHost().toURI()).append(request.getPath()).toString();
      Object[] state = (Object[]) Hooks.enter(HookIds.APACHE_HTTPCLIENT5_EXEC, scope.exchangeId, request.getMethod(), url);
      if (state != null) {
        for (int i = 1; i + 1 < state.length; i += 2) {
          request.setHeader((String) state[i], state[i + 1]);
        }
      }
      return state;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object[] state,
        @Advice.Return ClassicHttpResponse response,
        @Advice.Thrown Throwable thrown) {
      if (state != null) {
        Hooks.exit(HookIds.APACHE_HTTPCLIENT5_EXEC, state[0], null,
            response == null ? null : Integer.valueOf(response.getCode()), thrown);
      }
    }
  }
}
