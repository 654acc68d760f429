package io.sightline.instrumentation.logs.logback;

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
 * Logback events as OpenTelemetry log records (when {@code otel.logs.exporter} is not
 * {@code none}). The application's appenders are untouched: the record is taken beside them.
 */
public final class LogbackAppenderInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "logback-appender";

  public LogbackAppenderInstrumentationModule() {
    super(NAME);
  }

  @Override
  public boolean defaultEnabled() {
    return LogRecordEmitter.exportEnabled();
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList("ch.qos.logback.classic.spi.ILoggingEvent");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new LogbackLoggerInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.LOGBACK_APPENDER,
        new LogEventHook(NAME, new LogRecordEmitter(context.openTelemetry()), Severities::logback));
  }
}
