package io.sightline.bootstrap;

/**
 * What inlined advice calls through {@link Hooks}: the agent installs one subclass per advice
 * site. Arguments are plain {@code Object}s because the advice lives in application classes and
 * may name nothing but JDK and bootstrap types; the implementation, in the agent class loader,
 * knows what they are.
 */
public abstract class Hook {
  private final String instrumentation;
  volatile boolean disabled;

  protected Hook(String instrumentation) {
    this.instrumentation = instrumentation;
  }

  public final String instrumentation() {
    return instrumentation;
  }

  /** Called on method entry; the result travels to {@link #exit} (the advice's {@code @Enter}). */
  public Object enter(Object self, Object arg0, Object arg1) {
    return null;
  }

  /** Called on method exit, normal or exceptional. */
  public void exit(Object state, Object self, Object result, Throwable thrown) {}

  /**
   * A logging library's event, its fields read by the advice itself: advice is inlined into the
   * library and links against it, where the agent could only call it reflectively (about 0.1 µs a
   * call, seven calls per event). {@code level} is the library's own number for the level.
   */
  public void logEvent(String loggerName, long epochMillis, int level, String levelName, String message,
      Throwable thrown) {}

  final void fail(Throwable t) {
    if (!disabled) {
      disabled = true;
      AgentLog.warn("instrumentation " + instrumentation + " failed and is now disabled: " + t);
      if (AgentLog.isDebug()) {
        t.printStackTrace();
      }
    }
  }
}
