package io.sightline.instrumentation.logs.logback;

import io.sightline.instrumentation.logs.NoArgMethod;
import java.util.Map;

/** Reads Logback's {@code ILoggingEvent} from the agent class loader, which cannot link against Logback. */
final class LogbackEvents {
  private static final NoArgMethod TIME_STAMP = new NoArgMethod("getTimeStamp");
  private static final NoArgMethod LEVEL = new NoArgMethod("getLevel");
  private static final NoArgMethod LOGGER_NAME = new NoArgMethod("getLoggerName");
  private static final NoArgMethod THREAD_NAME = new NoArgMethod("getThreadName");
  private static final NoArgMethod MESSAGE = new NoArgMethod("getFormattedMessage");
  private static final NoArgMethod MDC = new NoArgMethod("getMDCPropertyMap");
  private static final NoArgMethod THROWABLE_PROXY = new NoArgMethod("getThrowableProxy");
  private static final NoArgMethod THROWABLE = new NoArgMethod("getThrowable");

  private LogbackEvents() {}

  static long timestamp(Object event) {
    Object millis = TIME_STAMP.call(event);
    return millis instanceof Long ? (Long) millis : System.currentTimeMillis();
  }

  static Object level(Object event) {
    return LEVEL.call(event);
  }

  static String loggerName(Object event) {
    return LOGGER_NAME.callString(event);
  }

  static String threadName(Object event) {
    return THREAD_NAME.callString(event);
  }

  static String message(Object event) {
    return MESSAGE.callString(event);
  }

  static Map<?, ?> mdc(Object event) {
    Object map = MDC.call(event);
    return map instanceof Map ? (Map<?, ?>) map : null;
  }

  /** The event's throwable when Logback still holds it ({@code ThrowableProxy}), else null. */
  static Throwable throwable(Object event) {
    Object thrown = THROWABLE.call(THROWABLE_PROXY.call(event));
    return thrown instanceof Throwable ? (Throwable) thrown : null;
  }
}
