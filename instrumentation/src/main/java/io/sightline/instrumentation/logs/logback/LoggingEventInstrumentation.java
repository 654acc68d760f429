package io.sightline.instrumentation.logs.logback;

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
 * {@code LoggingEvent.getMDCPropertyMap()} is where every Logback consumer (pattern {@code %X},
 * encoders, appenders, {@code AsyncAppender}'s deferred processing) reads the MDC of an event.
 * The first call, on the logging thread, snapshots the MDC; the ids are added to that snapshot.
 */
final class LoggingEventInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("ch.qos.logback.classic.spi.LoggingEvent");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("getMDCPropertyMap").and(takesArguments(0)),
        LoggingEventInstrumentation.class.getName() + "$MdcPropertyMapAdvice");
  }

  public static final class MdcPropertyMapAdvice {
    // readOnly = false, twice: the event's map is Logback's unmodifiable MDC snapshot, so the only
    // way to add entries is to return an enriched copy, and to cache it in the event's field so
    // that later reads (possibly on an AsyncAppender thread, outside the span) see the same ids.
    @SuppressWarnings("unchecked")
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Return(readOnly = false) Map<String, String> map,
        @Advice.FieldValue(value = "mdcPropertyMap", readOnly = false) Map<String, String> cached) {
      // Runs on normal return only: a throw has no map to enrich.
      Object enriched = Hooks.enter(HookIds.LOGBACK_EVENT_MDC_MAP, null, map, null);
      if (enriched != null) {
        map = (Map<String, String>) enriched;
        cached = map;
      }
    }
  }
}
