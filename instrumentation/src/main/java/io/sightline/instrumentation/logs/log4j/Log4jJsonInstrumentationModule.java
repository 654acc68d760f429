package io.sightline.instrumentation.logs.log4j;

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
 * {@code sightline.logs.json=true}: Log4j2 console appenders print one JSON object per event
 * instead of their layout's output. File and other appenders are untouched.
 */
public final class Log4jJsonInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "log4j-json";

  public Log4jJsonInstrumentationModule() {
    super(NAME);
  }

  @Override
  public boolean defaultEnabled() {
    return Settings.getBoolean("sightline.logs.json", false);
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList("org.apache.logging.log4j.core.LogEvent");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new ConsoleAppenderInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.LOG4J_JSON_CONSOLE, new JsonHook());
  }

  static final class JsonHook extends Hook {
    JsonHook() {
      super(NAME);
    }

    @Override
    public Object enter(Object appender, Object event, Object unused) {
      Object level = Log4jEvents.eventLevel(event);
      if (level == null) {
        return null;
      }
      try {
        return JsonLogLine.write(Log4jEvents.eventMillis(event), Log4jEvents.levelName(level),
            Log4jEvents.eventLoggerName(event), Log4jEvents.eventThreadName(event), Log4jEvents.eventMessage(event),
            Log4jEvents.eventContextData(event), Log4jEvents.eventThrown(event));
      } catch (RuntimeException e) {
        // This one line goes through the appender's own layout; JSON stays on for the next.
        JsonLogLine.failed(e);
        return null;
      }
    }
  }
}
