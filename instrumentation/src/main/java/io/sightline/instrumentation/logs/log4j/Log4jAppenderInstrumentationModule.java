package io.sightline.instrumentation.logs.log4j;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.logs.LogEventHook;
import io.sightline.instrumentation.logs.LogRecordEmitter;
import io.sightline.instrumentation.logs.Severities;
import java.util.Collections;
import java.util.List;

/**
 * Log4j2 (core) events as OpenTelemetry log records (when {@code otel.logs.exporter} is not
 * {@code none}); the configured appenders are untouched.
 */
public final class Log4jAppenderInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "log4j-appender";

  public Log4jAppenderInstrumentationModule() {
    super(NAME);
  }

  @Override
  public boolean defaultEnabled() {
    return LogRecordEmitter.exportEnabled();
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList("org.apache.logging.log4j.core.LogEvent");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new Log4jLoggerInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.LOG4J_APPENDER,
        new LogEventHook(NAME, new LogRecordEmitter(context.openTelemetry()), Severities::log4j));
  }
}
