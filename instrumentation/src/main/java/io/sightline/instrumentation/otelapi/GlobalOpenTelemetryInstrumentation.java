package io.sightline.instrumentation.otelapi;

import static io.sightline.instrumentation.api.Methods.isStatic;
import static io.sightline.instrumentation.api.Methods.namedOneOf;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.annotations.ApplicationApiNames;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The application's {@code GlobalOpenTelemetry.get()} and {@code getOrNoop()}; {@code getTracer}, {@code
 * getTracerProvider} and {@code getPropagators} of the same class all go through it.
 */
final class GlobalOpenTelemetryInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named(ApplicationApiNames.of("api.GlobalOpenTelemetry"));
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(namedOneOf("get", "getOrNoop").and(isStatic()).and(takesArguments(0)),
        GlobalOpenTelemetryInstrumentation.class.getName() + "$GetAdvice");
  }

  public static final class GetAdvice {
    /**
     * Replaces the result (readOnly = false): returning another object is the whole point, and
     * the original still runs, so an application that registers its own SDK sees no error.
     */
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Origin Class<?> global,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object openTelemetry) {
      Object bridged = Hooks.enter(HookIds.OPENTELEMETRY_API_GLOBAL_GET, global, null, null);
      if (bridged != null) {
        openTelemetry = bridged;
      }
    }
  }
}
