package io.sightline.instrumentation.logs.logback;

import static io.sightline.instrumentation.api.Methods.isStatic;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code org.slf4j.MDC.get} and {@code getCopyOfContextMap}: application code asking the MDC for
 * {@code trace_id} during a request gets it, whichever SLF4J binding is behind the MDC.
 */
final class Slf4jMdcInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.slf4j.MDC");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(isStatic().and(named("get")).and(takesArguments(String.class)),
        Slf4jMdcInstrumentation.class.getName() + "$GetAdvice");
    target.applyAdvice(isStatic().and(named("getCopyOfContextMap")).and(takesArguments(0)),
        Slf4jMdcInstrumentation.class.getName() + "$CopyAdvice");
  }

  public static final class GetAdvice {
    // readOnly = false: answering the lookup is the whole point; the MDC itself is never written.
    // Runs on normal return only: a throw (null key) has nothing to answer.
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Argument(0) String key, @Advice.Return(readOnly = false) String value) {
      if (value == null) {
        Object traceValue = Hooks.enter(HookIds.SLF4J_MDC_GET, null, key, null);
        if (traceValue != null) {
          value = (String) traceValue;
        }
      }
    }
  }

  public static final class CopyAdvice {
    // readOnly = false: the copy is returned with the ids added; the MDC itself is never written.
    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Return(readOnly = false) Map<String, String> copy) {
      Object enriched = Hooks.enter(HookIds.SLF4J_MDC_COPY, null, copy, null);
      if (enriched != null) {
        copy = (Map<String, String>) enriched;
      }
    }
  }
}
