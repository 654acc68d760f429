package io.sightline.instrumentation.logs.log4j;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The two entries of Log4j2 core's {@code Logger} that every enabled event passes exactly once:
 * {@code logMessage(fqcn, level, marker, message, throwable)} (the classic API) and
 * {@code log(level, marker, fqcn, location, message, throwable)} (the {@code LogBuilder} API).
 * Neither calls the other.
 */
final class Log4jLoggerInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("org.apache.logging.log4j.core.Logger");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("logMessage").and(takesArguments(5)).and(takesArgument(0, String.class)),
        Log4jLoggerInstrumentation.class.getName() + "$LogMessageAdvice");
    target.applyAdvice(named("log").and(takesArguments(6)).and(takesArgument(3, StackTraceElement.class)),
        Log4jLoggerInstrumentation.class.getName() + "$LogWithLocationAdvice");
  }

  public static final class LogMessageAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object logger, @Advice.Argument(1) Object level,
        @Advice.Argument(3) Object message, @Advice.Argument(4) Throwable thrown) {
      Hooks.enter(HookIds.LOG4J_APPENDER, logger, level, new Object[] {message, thrown});
    }
  }

  public static final class LogWithLocationAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object logger, @Advice.Argument(0) Object level,
        @Advice.Argument(4) Object message, @Advice.Argument(5) Throwable thrown) {
      Hooks.enter(HookIds.LOG4J_APPENDER, logger, level, new Object[] {message, thrown});
    }
  }
}
