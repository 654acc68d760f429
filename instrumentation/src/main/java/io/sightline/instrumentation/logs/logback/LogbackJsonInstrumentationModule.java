package io.sightline.instrumentation.logs.logback;

import io.sightline.bootstrap.Hook;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.Settings;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.logs.JsonLogLine;
import java.util.Collections;
import java.util.List;

/**
 * {@code sightline.logs.json=true}: Logback console appenders print one JSON object per event
 * instead of their encoder's output. File and other appenders are untouched.
 */
public final class LogbackJsonInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "logback-json";

  public LogbackJsonInstrumentationModule() {
    super(NAME);
  }

  @Override
  public boolean defaultEnabled() {
    return Settings.getBoolean("sightline.logs.json", false);
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList("ch.qos.logback.classic.spi.ILoggingEvent");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new ConsoleAppenderInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.LOGBACK_JSON_CONSOLE, new JsonHook());
  }

  /** Answers the JSON line of a logging event, or null for anything else (the encoder then runs). */
  static final class JsonHook extends Hook {
    JsonHook() {
      super(NAME);
    }

    @Override
    public Object enter(Object appender, Object event, Object unused) {
      Object level = LogbackEvents.level(event);
      if (level == null) {
        return null;
      }
      try {
        return JsonLogLine.write(LogbackEvents.timestamp(event), level.toString(), LogbackEvents.loggerName(event),
            LogbackEvents.threadName(event), LogbackEvents.message(event), LogbackEvents.mdc(event),
            LogbackEvents.throwable(event));
      } catch (RuntimeException e) {
        // This one line goes through the appender's own encoder; JSON stays on for the next.
        JsonLogLine.failed(e);
        return null;
      }
    }
  }
}
