package io.sightline.instrumentation.javahttpclient;

import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The private four-argument {@code sendAsync} of {@code HttpClientImpl}: the one method that both
 * {@code send} and the public {@code sendAsync} methods call (JDK 11 to 25).
 */
final class HttpClientImplInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("jdk.internal.net.http.HttpClientImpl");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("sendAsync").and(takesArguments(4)),
        HttpClientImplInstrumentation.class.getName() + "$SendAsyncAdvice");
  }

  public static final class SendAsyncAdvice {
    /**
     * Replaces the request argument: {@code HttpRequest} is immutable, so another request carrying
     * the propagation headers (delegating the rest to the caller's, {@code PropagatingRequest}) is
     * the only way to send them without touching the caller's object.
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object[] onEnter(
        @Advice.This Object client, @Advice.Argument(value = 0, readOnly = false) HttpRequest request) {
      Object[] state = (Object[]) Hooks.enter(HookIds.JAVA_HTTP_CLIENT_SEND, client, request, null);
      if (state != null && state[1] != null) {
        request = (HttpRequest) state[1];
      }
      return state;
    }

    /**
     * Replaces the returned future with one that ends the span and completes in the caller's
     * context, so that dependent callbacks run in it.
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object[] state,
        @Advice.Return(readOnly = false) CompletableFuture<?> future,
        @Advice.Thrown Throwable thrown) {
      if (state != null) {
        if (state[0] != null) {
          Object replaced = Hooks.enter(HookIds.JAVA_HTTP_CLIENT_RESULT, state[0], future, thrown);
          if (replaced != null) {
            future = (CompletableFuture<?>) replaced;
          }
        }
        Hooks.exit(HookIds.JAVA_HTTP_CLIENT_SEND, state, null, null, null);
      }
    }
  }
}
