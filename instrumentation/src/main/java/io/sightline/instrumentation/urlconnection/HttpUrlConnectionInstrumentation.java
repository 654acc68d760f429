package io.sightline.instrumentation.urlconnection;

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

/**
 * The JDK's HTTP implementation and the https delegate, which overrides {@code connect}. The
 * https facade {@code HttpsURLConnectionImpl} forwards to the delegate, so it needs no advice.
 */
final class HttpUrlConnectionInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.namedOneOf("sun.net.www.protocol.http.HttpURLConnection", "sun.net.www.protocol.https.AbstractDelegateHttpsURLConnection");
  }

  @Override
  public void transform(AdviceTarget target) {
    String prefix = HttpUrlConnectionInstrumentation.class.getName();
    target.applyAdvice(named("connect").and(takesArguments(0)), prefix + "$ConnectAdvice");
    target.applyAdvice(named("getOutputStream").and(takesArguments(0)), prefix + "$OutputAdvice");
    target.applyAdvice(named("getInputStream").and(takesArguments(0)), prefix + "$InputAdvice");
  }

  public static final class ConnectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object self) {
      return Hooks.enter(HookIds.URL_CONNECTION_CONNECT, self, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.This Object self, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.URL_CONNECTION_CONNECT, state, self, null, thrown);
    }
  }

  public static final class OutputAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object self) {
      return Hooks.enter(HookIds.URL_CONNECTION_OUTPUT, self, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.This Object self, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.URL_CONNECTION_OUTPUT, state, self, null, thrown);
    }
  }

  public static final class InputAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object self) {
      return Hooks.enter(HookIds.URL_CONNECTION_INPUT, self, null, null);
    }

    /** {@code responseCode} (a protected field of java.net.HttpURLConnection) is -1 when no response came. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object state,
        @Advice.This Object self,
        @Advice.FieldValue("responseCode") int responseCode,
        @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.URL_CONNECTION_INPUT, state, self, Integer.valueOf(responseCode), thrown);
    }
  }
}
