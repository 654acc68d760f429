package io.sightline.instrumentation.logs.logback;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code Logger.callAppenders(ILoggingEvent)}: called once per event that passed the level and
 * turbo filters, before any appender, on the logging thread.
 */
final class LogbackLoggerInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("ch.qos.logback.classic.Logger");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("callAppenders").and(takesArguments(1)),
        LogbackLoggerInstrumentation.class.getName() + "$CallAppendersAdvice");
  }

  public static final class CallAppendersAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object logger, @Advice.Argument(0) Object event) {
      Hooks.enter(HookIds.LOGBACK_APPENDER, logger, event, null);
    }
  }
}
