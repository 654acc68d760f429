package io.sightline.instrumentation.logs.logback;

import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
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
    return TypeNames.named("ch.qos.logback.classic.Logger");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("callAppenders").and(takesArguments(1)),
        LogbackLoggerInstrumentation.class.getName() + "$CallAppendersAdvice");
  }

  /** Reads the event where Logback's types link: no reflective call per field in the agent. */
  public static final class CallAppendersAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) ILoggingEvent event) {
      if (Hooks.active(HookIds.LOGBACK_APPENDER)) {
        Level level = event.getLevel();
        IThrowableProxy proxy = event.getThrowableProxy();
        Hooks.logEvent(HookIds.LOGBACK_APPENDER, event.getLoggerName(), event.getTimeStamp(),
            level != null ? level.toInt() : Level.INFO_INT, String.valueOf(level), event.getFormattedMessage(),
            proxy instanceof ThrowableProxy ? ((ThrowableProxy) proxy).getThrowable() : null);
      }
    }
  }
}
