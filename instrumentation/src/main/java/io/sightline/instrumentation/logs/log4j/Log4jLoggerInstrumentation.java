package io.sightline.instrumentation.logs.log4j;

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
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.Message;

/**
 * The two entries of Log4j2 core's {@code Logger} that every enabled event passes exactly once:
 * {@code logMessage(fqcn, level, marker, message, throwable)} (the classic API) and
 * {@code log(level, marker, fqcn, location, message, throwable)} (the {@code LogBuilder} API).
 * Neither calls the other.
 */
final class Log4jLoggerInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.logging.log4j.core.Logger");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("logMessage").and(takesArguments(5)).and(takesArgument(0, String.class)),
        Log4jLoggerInstrumentation.class.getName() + "$LogMessageAdvice");
    target.applyAdvice(named("log").and(takesArguments(6)).and(takesArgument(3, StackTraceElement.class)),
        Log4jLoggerInstrumentation.class.getName() + "$LogWithLocationAdvice");
  }

  /** Reads the call where Log4j's types link: no reflective call per field in the agent. */
  public static final class LogMessageAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Logger logger, @Advice.Argument(1) Level level,
        @Advice.Argument(3) Message message, @Advice.Argument(4) Throwable thrown) {
      if (Hooks.active(HookIds.LOG4J_APPENDER)) {
        Hooks.logEvent(HookIds.LOG4J_APPENDER, logger.getName(), System.currentTimeMillis(),
            level != null ? level.intLevel() : Level.INFO.intLevel(), level != null ? level.name() : "INFO",
            message != null ? message.getFormattedMessage() : null, thrown);
      }
    }
  }

  public static final class LogWithLocationAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Logger logger, @Advice.Argument(0) Level level,
        @Advice.Argument(4) Message message, @Advice.Argument(5) Throwable thrown) {
      if (Hooks.active(HookIds.LOG4J_APPENDER)) {
        Hooks.logEvent(HookIds.LOG4J_APPENDER, logger.getName(), System.currentTimeMillis(),
            level != null ? level.intLevel() : Level.INFO.intLevel(), level != null ? level.name() : "INFO",
            message != null ? message.getFormattedMessage() : null, thrown);
      }
    }
  }
}
