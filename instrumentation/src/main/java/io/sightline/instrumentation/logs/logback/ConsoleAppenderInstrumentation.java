package io.sightline.instrumentation.logs.logback;

import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.io.OutputStream;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code OutputStreamAppender.subAppend(E)} encodes and writes one event (through
 * {@code writeOut(E)} in Logback 1.1 and 1.3+; by itself in 1.2, whose {@code writeOut} it never
 * calls). For a {@code ConsoleAppender} the JSON line is written instead and the original skipped;
 * {@code append} has checked that the appender is started.
 */
final class ConsoleAppenderInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("ch.qos.logback.core.OutputStreamAppender");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("subAppend").and(takesArguments(1)),
        ConsoleAppenderInstrumentation.class.getName() + "$SubAppendAdvice");
  }

  public static final class SubAppendAdvice {
    /** True when the JSON line was written: the original encoding is then skipped. */
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static boolean onEnter(@Advice.This OutputStreamAppender<?> appender, @Advice.Argument(0) Object event)
        throws java.io.IOException {
      if (!(appender instanceof ConsoleAppender)) {
        return false;
      }
      Object line = Hooks.enter(HookIds.LOGBACK_JSON_CONSOLE, appender, event, null);
      if (!(line instanceof byte[])) {
        return false;
      }
      // One write of a whole line: the console stream (a PrintStream) writes it atomically.
      OutputStream out = appender.getOutputStream();
      out.write((byte[]) line);
      if (appender.isImmediateFlush()) {
        out.flush();
      }
      return true;
    }
  }
}
