package io.sightline.instrumentation.logs.log4j;

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
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.apache.logging.log4j.util.StringMap;

/**
 * Log4j2 builds each event's context data with the built-in {@code ContextDataInjector} (one per
 * thread-context map implementation), on the logging thread; the ids are added to its result.
 */
final class ContextDataInjectorInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.nameStartsWith("org.apache.logging.log4j.core.impl.ThreadContextDataInjector$For");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("injectContextData").and(takesArguments(2)),
        ContextDataInjectorInstrumentation.class.getName() + "$InjectAdvice");
  }

  public static final class InjectAdvice {
    // readOnly = false: the copy-on-write injector may return the thread context's own frozen map,
    // which must not change; the ids then go into a copy that is returned instead.
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Return(readOnly = false) StringMap data) {
      Object fields = Hooks.enter(HookIds.LOG4J_CONTEXT_DATA, null, null, null);
      if (fields instanceof String[] && data != null) {
        String[] keyValues = (String[]) fields;
        if (data.isFrozen()) {
          data = new SortedArrayStringMap(data);
        }
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
          data.putValue(keyValues[i], keyValues[i + 1]);
        }
      }
    }
  }
}
