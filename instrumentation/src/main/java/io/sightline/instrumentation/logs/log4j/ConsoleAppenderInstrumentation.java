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
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.OutputStreamManager;

/**
 * {@code AbstractOutputStreamAppender.append(LogEvent)} lays out and writes one event (after the
 * appender's filters); for a {@code ConsoleAppender} the JSON line is written instead.
 */
final class ConsoleAppenderInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("append").and(takesArguments(1)),
        ConsoleAppenderInstrumentation.class.getName() + "$AppendAdvice");
  }

  public static final class AppendAdvice {
    /** True when the JSON line was written: the layout is then skipped. */
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static boolean onEnter(@Advice.This AbstractOutputStreamAppender<?> appender,
        @Advice.Argument(0) LogEvent event) {
      if (!(appender instanceof ConsoleAppender)) {
        return false;
      }
      Object line = Hooks.enter(HookIds.LOG4J_JSON_CONSOLE, appender, event, null);
      if (!(line instanceof byte[])) {
        return false;
      }
      byte[] bytes = (byte[]) line;
      OutputStreamManager manager = appender.getManager();
      // writeBytes and flush are synchronized on the manager: lines never interleave.
      manager.writeBytes(bytes, 0, bytes.length);
      if (appender.getImmediateFlush()) {
        manager.flush();
      }
      return true;
    }
  }
}
