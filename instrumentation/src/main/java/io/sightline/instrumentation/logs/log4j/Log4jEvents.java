package io.sightline.instrumentation.logs.log4j;

import io.sightline.instrumentation.logs.NoArgMethod;
import java.util.Map;

/** Reads Log4j2 objects from the agent class loader, which cannot link against Log4j. */
final class Log4jEvents {
  private static final NoArgMethod LEVEL_NAME = new NoArgMethod("name");
  private static final NoArgMethod FORMATTED = new NoArgMethod("getFormattedMessage");
  private static final NoArgMethod TIME_MILLIS = new NoArgMethod("getTimeMillis");
  private static final NoArgMethod LEVEL = new NoArgMethod("getLevel");
  private static final NoArgMethod LOGGER_NAME = new NoArgMethod("getLoggerName");
  private static final NoArgMethod THREAD_NAME = new NoArgMethod("getThreadName");
  private static final NoArgMethod MESSAGE = new NoArgMethod("getMessage");
  private static final NoArgMethod CONTEXT_DATA = new NoArgMethod("getContextData");
  private static final NoArgMethod TO_MAP = new NoArgMethod("toMap");
  private static final NoArgMethod THROWN = new NoArgMethod("getThrown");

  private Log4jEvents() {}

  static String levelName(Object level) {
    return LEVEL_NAME.callString(level);
  }

  // LogEvent

  static long eventMillis(Object event) {
    Object millis = TIME_MILLIS.call(event);
    return millis instanceof Long ? (Long) millis : System.currentTimeMillis();
  }

  static Object eventLevel(Object event) {
    return LEVEL.call(event);
  }

  static String eventLoggerName(Object event) {
    return LOGGER_NAME.callString(event);
  }

  static String eventThreadName(Object event) {
    return THREAD_NAME.callString(event);
  }

  static String eventMessage(Object event) {
    return FORMATTED.callString(MESSAGE.call(event));
  }

  static Map<?, ?> eventContextData(Object event) {
    Object map = TO_MAP.call(CONTEXT_DATA.call(event));
    return map instanceof Map ? (Map<?, ?>) map : null;
  }

  static Throwable eventThrown(Object event) {
    Object thrown = THROWN.call(event);
    return thrown instanceof Throwable ? (Throwable) thrown : null;
  }
}
