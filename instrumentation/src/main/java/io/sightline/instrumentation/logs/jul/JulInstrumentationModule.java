package io.sightline.instrumentation.logs.jul;

import io.sightline.bootstrap.Hook;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.logs.LogRecordEmitter;
import io.sightline.instrumentation.logs.NoArgMethod;
import io.sightline.instrumentation.logs.Severities;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * {@code java.util.logging} records as OpenTelemetry log records (when {@code otel.logs.exporter}
 * is not {@code none}). The bundled SDK's own logging does not go through JUL (the agent routes
 * it into its {@code [sightline]} log); records of {@code io.sightline.*} loggers are skipped anyway.
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

  /**
   * {@code enter(logger, record)}. The logger is used reflectively: the agent jar's shading turns
   * every typed reference to the JUL logger class in bundled code into the agent's PatchLogger.
   */
  static final class ExportHook extends Hook {
    private static final NoArgMethod GET_FILTER = new NoArgMethod("getFilter");
    private static final NoArgMethod GET_NAME = new NoArgMethod("getName");
    private static final MethodType IS_LOGGABLE_TYPE = MethodType.methodType(boolean.class, Level.class);
    private static final ClassValue<MethodHandle> IS_LOGGABLE = new ClassValue<MethodHandle>() {
      @Override
      protected MethodHandle computeValue(Class<?> type) {
        // Resolved on the nearest public class: LogManager's root logger class is not public.
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
          if (Modifier.isPublic(c.getModifiers())) {
            try {
              return MethodHandles.publicLookup().findVirtual(c, "isLoggable", IS_LOGGABLE_TYPE)
                  .asType(MethodType.methodType(boolean.class, Object.class, Level.class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
              // try further up
            }
          }
        }
        return null;
      }
    };

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
    public Object enter(Object logger, Object arg, Object unused) {
      if (logger == null || !(arg instanceof LogRecord)) {
        return null;
      }
      LogRecord record = (LogRecord) arg;
      // Logger.log(LogRecord) drops the record itself when these fail; so do we.
      if (record.getLevel() == null || !isLoggable(logger, record.getLevel())) {
        return null;
      }
      Object filter = GET_FILTER.call(logger);
      if (filter instanceof Filter && !((Filter) filter).isLoggable(record)) {
        return null;
      }
      String loggerName = record.getLoggerName() != null ? record.getLoggerName() : GET_NAME.callString(logger);
      if (!emitter.accepts(loggerName)) {
        return null;
      }
      return new Pending(record, loggerName, LogRecordEmitter.emittedOnThisThread());
    }

    /**
     * The handlers have run. When one of them handed the record to an instrumented library (the
     * {@code jul-to-slf4j} bridge Spring Boot installs, into Logback), that library's record was
     * exported: this one is not exported again.
     */
    @Override
    public void exit(Object state, Object logger, Object result, Throwable thrown) {
      if (!(state instanceof Pending)) {
        return;
      }
      Pending pending = (Pending) state;
      if (LogRecordEmitter.emittedOnThisThread() != pending.emittedBefore) {
        return;
      }
      LogRecord record = pending.record;
      try {
        emitter.emit(pending.loggerName, record.getMillis(), Severities.jul(record.getLevel().intValue()),
            record.getLevel().getName(), MESSAGES.formatMessage(record), record.getThrown());
      } catch (RuntimeException e) {
        emitter.failed(e);
      }
    }

    /** A record that passed the logger's checks, waiting for its handlers to run. */
    private static final class Pending {
      final LogRecord record;
      final String loggerName;
      final int emittedBefore;

      Pending(LogRecord record, String loggerName, int emittedBefore) {
        this.record = record;
        this.loggerName = loggerName;
        this.emittedBefore = emittedBefore;
      }
    }

    private static boolean isLoggable(Object logger, Level level) {
      MethodHandle handle = IS_LOGGABLE.get(logger.getClass());
      if (handle == null) {
        return true;
      }
      try {
        return (boolean) handle.invokeExact(logger, level);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }
}
