package io.sightline.instrumentation.logs.jul;

import io.sightline.bootstrap.Hook;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.logs.LogRecordEmitter;
import io.sightline.instrumentation.logs.Severities;
import java.util.Collections;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code java.util.logging} records as OpenTelemetry log records (when {@code otel.logs.exporter}
 * is not {@code none}). The agent's relocated SDK logs through JUL under {@code io.sightline.*}
 * logger names: those are never captured.
 */
public final class JulInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "java-util-logging";

  public JulInstrumentationModule() {
    super(NAME);
  }

  @Override
  public boolean defaultEnabled() {
    return LogRecordEmitter.exportEnabled();
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new JulLoggerInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.JUL_LOGGER, new ExportHook(new LogRecordEmitter(context.openTelemetry())));
  }

  /** {@code enter(logger, record)}: JDK types only, no reflection needed. */
  static final class ExportHook extends Hook {
    /** Only for {@link Formatter#formatMessage}: parameters and resource bundles, as handlers do. */
    private static final Formatter MESSAGES = new Formatter() {
      @Override
      public String format(LogRecord record) {
        return formatMessage(record);
      }
    };
    private final LogRecordEmitter emitter;

    ExportHook(LogRecordEmitter emitter) {
      super(NAME);
      this.emitter = emitter;
    }

    @Override
    public Object enter(Object self, Object arg, Object unused) {
      if (!(self instanceof Logger) || !(arg instanceof LogRecord)) {
        return null;
      }
      Logger logger = (Logger) self;
      LogRecord record = (LogRecord) arg;
      // Logger.log(LogRecord) drops the record itself when these fail; so do we.
      if (record.getLevel() == null || !logger.isLoggable(record.getLevel())) {
        return null;
      }
      Filter filter = logger.getFilter();
      if (filter != null && !filter.isLoggable(record)) {
        return null;
      }
      String loggerName = record.getLoggerName() != null ? record.getLoggerName() : logger.getName();
      if (!emitter.accepts(loggerName)) {
        return null;
      }
      try {
        emitter.emit(loggerName, record.getMillis(), Severities.jul(record.getLevel().intValue()),
            record.getLevel().getName(), MESSAGES.formatMessage(record), record.getThrown());
      } catch (RuntimeException e) {
        emitter.failed(e);
      }
      return null;
    }
  }
}
