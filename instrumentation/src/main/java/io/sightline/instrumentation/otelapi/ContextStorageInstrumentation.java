package io.sightline.instrumentation.otelapi;

import static io.sightline.instrumentation.api.Methods.isStatic;
import static io.sightline.instrumentation.api.Methods.named;
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
 * The application's {@code ContextStorage.get()}, through which {@code Context.current()},
 * {@code makeCurrent()} and therefore {@code Span.current()} go, in every API version.
 */
final class ContextStorageInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named(ApplicationApiNames.of("context.ContextStorage"));
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("get").and(isStatic()).and(takesArguments(0)),
        ContextStorageInstrumentation.class.getName() + "$GetAdvice");
  }

  public static final class GetAdvice {
    /** Replaces the result (readOnly = false): the storage is what gets swapped. */
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Origin Class<?> storage,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object current) {
      Object bridged = Hooks.enter(HookIds.OPENTELEMETRY_API_STORAGE_GET, storage, null, null);
      if (bridged != null) {
        current = bridged;
      }
    }
  }
}
