package io.sightline.instrumentation.apachehttpclient;

import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.net.URI;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.conn.routing.HttpRoute;

/** {@code org.apache.http.impl.execchain.ProtocolExec#execute(route, request, context, execAware)}. */
final class ProtocolExec4Instrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.http.impl.execchain.ProtocolExec");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("execute").and(takesArguments(4)),
        ProtocolExec4Instrumentation.class.getName() + "$ExecuteAdvice");
  }

  public static final class ExecuteAdvice {
    /** The hook returns {call, header name, value, ...}; the wrapper is the chain's own copy. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object[] onEnter(
        @Advice.Argument(0) HttpRoute route,
        @Advice.Argument(1) HttpRequestWrapper request,
        @Advice.Argument(2) Object context) {
      // No string '+': javac turns it into invokedynamic, which HttpClient 4's Java 6 class files cannot hold.
      URI uri = request.getURI();
      StringBuilder url = new StringBuilder(route.getTargetHost().toURI());
      if (uri.getRawPath() != null) {
        url.append(uri.getRawPath());
      }
      if (uri.getRawQuery() != null) {
        url.append('?').append(uri.getRawQuery());
      }
      Object[] state = (Object[]) Hooks.enter(HookIds.APACHE_HTTPCLIENT4_EXEC, context,
          request.getRequestLine().getMethod(), url.toString());
      if (state != null) {
        for (int i = 1; i + 1 < state.length; i += 2) {
          request.setHeader((String) state[i], (String) state[i + 1]);
        }
      }
      return state;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object[] state,
        @Advice.Return CloseableHttpResponse response,
        @Advice.Thrown Throwable thrown) {
      if (state != null) {
        Hooks.exit(HookIds.APACHE_HTTPCLIENT4_EXEC, state[0], null,
            response == null ? null : Integer.valueOf(response.getStatusLine().getStatusCode()), thrown);
      }
    }
  }
}
