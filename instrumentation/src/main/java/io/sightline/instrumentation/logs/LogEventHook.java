package io.sightline.instrumentation.logs;

import io.sightline.bootstrap.Hook;
import java.util.function.IntUnaryOperator;

/**
 * One log record per event whose fields the advice read ({@code Hooks.logEvent}), on the logging
 * thread, so that the current span is the event's. {@code severity} maps the library's own level
 * number to OpenTelemetry's ({@link Severities}).
 */
public final class LogEventHook extends Hook {
  private final LogRecordEmitter emitter;
  private final IntUnaryOperator severity;

  public LogEventHook(String instrumentation, LogRecordEmitter emitter, IntUnaryOperator severity) {
    super(instrumentation);
    this.emitter = emitter;
    this.severity = severity;
  }

  @Override
  public void logEvent(String loggerName, long epochMillis, int level, String levelName, String message,
      Throwable thrown) {
    if (!emitter.accepts(loggerName)) {
      return;
    }
    try {
      emitter.emit(loggerName, epochMillis, severity.applyAsInt(level), levelName, message, thrown);
    } catch (RuntimeException e) {
      emitter.failed(e);
    }
  }
}
