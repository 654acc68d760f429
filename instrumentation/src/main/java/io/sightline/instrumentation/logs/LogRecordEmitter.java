package io.sightline.instrumentation.logs;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.api.Settings;
import io.sightline.instrumentation.api.Suppression;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns one application log event into an OpenTelemetry log record through the logs bridge,
 * shared by the Logback, Log4j2 and java.util.logging instrumentations.
 *
 * <p>No feedback loop: records of the agent's own loggers ({@code io.sightline.agent.*},
 * {@code .instrumentation.*}, {@code .bootstrap.*} and the relocated SDK under {@code .shaded.*},
 * which logs through java.util.logging) are never captured, nor anything logged
 * while the agent exports (suppressed context) or while a record is being emitted on the thread.
 */
public final class LogRecordEmitter {
  static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");
  private static final String AGENT_PREFIX = "io.sightline.";
  /** The agent's own packages: an application may well have loggers elsewhere under io.sightline. */
  private static final String[] AGENT_PACKAGES = {"agent", "instrumentation", "bootstrap", "shaded"};
  private static final Severity[] BY_NUMBER = new Severity[25];

  static {
    for (Severity severity : Severity.values()) {
      BY_NUMBER[severity.getSeverityNumber()] = severity;
    }
  }

  // Agent-private (never seen by another class loader): guards against a log call made while
  // emitting, e.g. by a library the SDK calls.
  private final ThreadLocal<boolean[]> emitting = ThreadLocal.withInitial(() -> new boolean[1]);
  // Records emitted on this thread by any emitter: a JUL record that a bridge (jul-to-slf4j) handed
  // to an instrumented library was exported there, and is not exported again.
  private static final ThreadLocal<int[]> EMITTED = ThreadLocal.withInitial(() -> new int[1]);
  private final AtomicLong failures = new AtomicLong();
  private final LoggerProvider logs;
  // The SDK's get(name) builds a scope and looks it up on every call; loggers are few and
  // long-lived, so they are cached by name, up to a bound (past it, looked up as before).
  private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();
  private static final int MAX_CACHED_LOGGERS = 4096;
  private final LogSampleRatio ratio;

  public LogRecordEmitter(OpenTelemetry openTelemetry) {
    this(openTelemetry, LogSampleRatio.fromSettings());
  }

  LogRecordEmitter(OpenTelemetry openTelemetry, double sampleRatio) {
    this(openTelemetry, LogSampleRatio.of(sampleRatio));
  }

  private LogRecordEmitter(OpenTelemetry openTelemetry, LogSampleRatio ratio) {
    this.logs = openTelemetry.getLogsBridge();
    this.ratio = ratio;
  }

  /** Whether log export is on at all: {@code otel.logs.exporter} is not {@code none}. */
  public static boolean exportEnabled() {
    String exporters = Settings.getString("otel.logs.exporter", "otlp");
    return exporters != null && !exporters.trim().equalsIgnoreCase("none");
  }

  /** Whether a record of this logger may be captured at all on this thread, now. */
  public boolean accepts(String loggerName) {
    if (loggerName != null && isAgents(loggerName)) {
      return false;
    }
    return !emitting.get()[0] && !Suppression.isSuppressed();
  }

  private static boolean isAgents(String loggerName) {
    if (!loggerName.startsWith(AGENT_PREFIX)) {
      return false;
    }
    for (String name : AGENT_PACKAGES) {
      int end = AGENT_PREFIX.length() + name.length();
      if (loggerName.startsWith(name, AGENT_PREFIX.length())
          && (loggerName.length() == end || loggerName.charAt(end) == '.')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Emits one record in the current context (its span gives the record's trace and span ids).
   * Below WARN, a record of an unsampled trace is kept only at {@code sightline.logs.sample-ratio}
   * ({@link LogSampleRatio}). One whose span is recorded though not sampled is emitted all the same:
   * its trace may still be kept for its outcome, and the agent's log processor holds the record
   * until the trace is decided.
   */
  public void emit(String loggerName, long epochMillis, int severityNumber, String severityText,
      String body, Throwable thrown) {
    if (ratio.sampling()) {
      Span span = Span.current();
      if (!span.isRecording() && !ratio.keeps(severityNumber, span.getSpanContext())) {
        return;
      }
    }
    boolean[] flag = emitting.get();
    flag[0] = true;
    EMITTED.get()[0]++;
    try {
      Thread thread = Thread.currentThread();
      LogRecordBuilder builder = logger(loggerName).logRecordBuilder()
          .setTimestamp(epochMillis, TimeUnit.MILLISECONDS)
          .setAttribute(THREAD_NAME, thread.getName())
          .setAttribute(THREAD_ID, thread.getId());
      if (severityNumber > 0 && severityNumber < BY_NUMBER.length && BY_NUMBER[severityNumber] != null) {
        builder.setSeverity(BY_NUMBER[severityNumber]);
      }
      if (severityText != null) {
        builder.setSeverityText(severityText);
      }
      if (body != null) {
        builder.setBody(body);
      }
      if (thrown != null) {
        builder.setAttribute(EXCEPTION_TYPE, thrown.getClass().getName());
        if (thrown.getMessage() != null) {
          builder.setAttribute(EXCEPTION_MESSAGE, thrown.getMessage());
        }
        builder.setAttribute(EXCEPTION_STACKTRACE, stackTrace(thrown));
      }
      builder.emit();
    } catch (RuntimeException e) {
      failed(e);
    } finally {
      flag[0] = false;
    }
  }

  /** How many records the emitters have emitted on this thread (a count that wraps; compare, do not order). */
  public static int emittedOnThisThread() {
    return EMITTED.get()[0];
  }

  private Logger logger(String loggerName) {
    String name = loggerName == null || loggerName.isEmpty() ? "ROOT" : loggerName;
    Logger logger = loggers.get(name);
    if (logger == null) {
      logger = logs.get(name);
      if (loggers.size() < MAX_CACHED_LOGGERS) {
        loggers.putIfAbsent(name, logger);
      }
    }
    return logger;
  }

  /**
   * An event that could not be read or exported (an application {@code toString} that throws, say):
   * that one record is lost, the instrumentation stays on. Counted; the first is logged at debug.
   */
  public void failed(Throwable t) {
    if (failures.getAndIncrement() == 0 || AgentLog.isDebug()) {
      AgentLog.debug("log record not exported: " + t);
    }
  }

  long failureCount() {
    return failures.get();
  }

  public static String stackTrace(Throwable thrown) {
    StringWriter out = new StringWriter();
    try (PrintWriter writer = new PrintWriter(out)) {
      thrown.printStackTrace(writer);
    }
    return out.toString();
  }
}
