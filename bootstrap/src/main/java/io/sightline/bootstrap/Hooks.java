package io.sightline.bootstrap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bridge between advice inlined into application classes and the agent. Advice calls these
 * static methods with a compile-time constant id; the agent registers a {@link Hook} for each id
 * at startup. An unregistered or disabled id costs one array read.
 *
 * <p>A hook that throws is reported once and disabled; an enter that already succeeded still gets
 * its exit, so that no scope is left open on the thread.
 */
public final class Hooks {
  public static final int CAPACITY = 256;

  private static final AtomicReferenceArray<Hook> TABLE = new AtomicReferenceArray<>(CAPACITY);
  private static final AtomicLong SUPPRESSED = new AtomicLong();
  private static volatile boolean suppressedReported;

  private Hooks() {}

  public static void register(int id, Hook hook) {
    if (!TABLE.compareAndSet(id, null, hook)) {
      throw new IllegalStateException("hook id " + id + " is taken by " + TABLE.get(id).instrumentation());
    }
  }

  public static Hook get(int id) {
    return TABLE.get(id);
  }

  public static Object enter(int id, Object self, Object arg0, Object arg1) {
    Hook hook = TABLE.get(id);
    if (hook == null || hook.disabled) {
      return null;
    }
    try {
      return hook.enter(self, arg0, arg1);
    } catch (Throwable t) {
      hook.fail(t);
      return null;
    }
  }

  public static void exit(int id, Object state, Object self, Object result, Throwable thrown) {
    Hook hook = TABLE.get(id);
    if (hook == null || (hook.disabled && state == null)) {
      return;
    }
    try {
      hook.exit(state, self, result, thrown);
    } catch (Throwable t) {
      hook.fail(t);
    }
  }

  /** Whether a hook is registered and enabled for the id: advice asks before it gathers arguments. */
  public static boolean active(int id) {
    Hook hook = TABLE.get(id);
    return hook != null && !hook.disabled;
  }

  public static void logEvent(int id, String loggerName, long epochMillis, int level, String levelName,
      String message, Throwable thrown) {
    Hook hook = TABLE.get(id);
    if (hook == null || hook.disabled) {
      return;
    }
    try {
      hook.logEvent(loggerName, epochMillis, level, levelName, message, thrown);
    } catch (Throwable t) {
      hook.fail(t);
    }
  }

  /**
   * Receives what advice code itself threw (the advice's {@code suppress = Throwable.class}
   * handler). Counted; the first is logged, all of them under {@code otel.javaagent.debug=true}.
   */
  public static void suppressed(Throwable t) {
    SUPPRESSED.incrementAndGet();
    if (AgentLog.isDebug()) {
      AgentLog.warn("advice error suppressed: " + t);
    } else if (!suppressedReported) {
      suppressedReported = true;
      AgentLog.debug("advice error suppressed: " + t);
    }
  }

  public static long suppressedCount() {
    return SUPPRESSED.get();
  }
}
