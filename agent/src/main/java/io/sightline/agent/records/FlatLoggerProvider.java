package io.sightline.agent.records;

import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerBuilder;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfoBuilder;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.SdkLoggerState;
import io.sightline.bootstrap.AgentLog;

/**
 * Loggers whose records are the agent's own ({@link FlatLogRecord}), emitted to the SDK logger
 * provider's own processors with its clock, limits and resource: what the processors and exporters
 * receive is what the SDK's records would give them, with the attributes in one array instead of a
 * {@code HashMap} and their data taken without sorting a copy.
 *
 * <p>Not carried over from the SDK: its per-record self-metric (switched off by the agent) and its
 * experimental per-scope logger configuration (minimum severity, trace-based), which autoconfigure
 * does not set.
 */
public final class FlatLoggerProvider implements LoggerProvider {
  private final SdkLoggerState state;
  private final Scopes<FlatLogger> loggers = new Scopes<>(FlatLogger::new);

  private FlatLoggerProvider(SdkLoggerState state) {
    this.state = state;
  }

  /**
   * Loggers of the agent's own records over {@code sdk}'s state; {@code sdk} itself if that state
   * cannot be read (an SDK whose internals changed), with a warning.
   */
  public static LoggerProvider over(SdkLoggerProvider sdk) {
    try {
      return new FlatLoggerProvider(SdkLoggerState.of(sdk));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      AgentLog.warn("the agent's own log record type is not available with this SDK (" + e
          + "); log records are the SDK's");
      return sdk;
    }
  }

  @Override
  public LoggerBuilder loggerBuilder(String instrumentationScopeName) {
    if (state.noProcessor()) {
      return LoggerProvider.noop().loggerBuilder(instrumentationScopeName);
    }
    InstrumentationScopeInfoBuilder scope = Scopes.scope(instrumentationScopeName);
    return new LoggerBuilder() {
      @Override
      public LoggerBuilder setSchemaUrl(String schemaUrl) {
        scope.setSchemaUrl(schemaUrl);
        return this;
      }

      @Override
      public LoggerBuilder setInstrumentationVersion(String version) {
        scope.setVersion(version);
        return this;
      }

      @Override
      public Logger build() {
        return loggers.get(scope);
      }
    };
  }

  SdkLoggerState state() {
    return state;
  }

  /** One instrumentation scope's logger. */
  final class FlatLogger implements Logger {
    private final InstrumentationScopeInfo scope;

    FlatLogger(InstrumentationScopeInfo scope) {
      this.scope = scope;
    }

    @Override
    public LogRecordBuilder logRecordBuilder() {
      return new FlatLogRecordBuilder(state, scope, state.logLimits());
    }
  }
}
