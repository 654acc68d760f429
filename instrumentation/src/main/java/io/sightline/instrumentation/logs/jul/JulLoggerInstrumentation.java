package io.sightline.instrumentation.logs.jul;

import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.util.logging.LogRecord;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every JUL logging method ends in {@code Logger.log(LogRecord)}, once per record, on the logging
 * thread: its checks on entry, its export on exit, once the handlers have run.
 */
final class JulLoggerInstrumentation implements TypeInstrumentation {
  /**
   * Built at run time: the agent jar's shading rewrites every mention of the JUL logger class in
   * bundled code (including string constants) to the agent's own PatchLogger.
   */
  static final String LOGGER_CLASS = String.join(".", "java.util.logging", "Logger");

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named(LOGGER_CLASS);
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("log").and(takesArguments(LogRecord.class)),
        JulLoggerInstrumentation.class.getName() + "$LogAdvice");
  }

  public static final class LogAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object logger, @Advice.Argument(0) Object record) {
      return Hooks.enter(HookIds.JUL_LOGGER, logger, record, null);
    }

    /** After the handlers ran: a bridge among them may have handed the record to Logback or Log4j. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.This Object logger) {
      Hooks.exit(HookIds.JUL_LOGGER, state, logger, null, null);
    }
  }
}
