package io.sightline.instrumentation.logs;

import io.sightline.bootstrap.Hook;

/**
 * Called when the application reads a key from its MDC / thread context and found nothing:
 * answers the current trace field of that name, or null.
 */
public final class ContextValueHook extends Hook {
  public ContextValueHook(String instrumentation) {
    super(instrumentation);
  }

  @Override
  public Object enter(Object self, Object key, Object unused) {
    return TraceFields.get().value(key);
  }
}
