package io.sightline.instrumentation.jdkhttpserver;

import static io.sightline.instrumentation.api.Methods.named;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code sun.net.httpserver.ServerImpl} backs both {@code HttpServer} and {@code HttpsServer}
 * of the JDK; both {@code createContext} overloads end up there.
 */
final class ServerImplInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("sun.net.httpserver.ServerImpl");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("createContext"), ServerImplInstrumentation.class.getName() + "$CreateContextAdvice");
  }

  public static final class CreateContextAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Return Object context) {
      Hooks.exit(HookIds.JDK_HTTP_SERVER_CREATE_CONTEXT, null, null, context, null);
    }
  }
}
