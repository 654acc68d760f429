package io.sightline.instrumentation.okhttp;

import static io.sightline.instrumentation.api.Methods.isConstructor;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArgument;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** {@code new OkHttpClient(builder)}, which every way of making a client ends in. */
final class OkHttpClientInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("okhttp3.OkHttpClient");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(isConstructor().and(takesArguments(1)).and(takesArgument(0, "okhttp3.OkHttpClient$Builder")),
        OkHttpClientInstrumentation.class.getName() + "$ConstructorAdvice");
  }

  public static final class ConstructorAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) Object builder) {
      Hooks.enter(HookIds.OKHTTP_CLIENT_BUILD, builder, null, null);
    }
  }
}
