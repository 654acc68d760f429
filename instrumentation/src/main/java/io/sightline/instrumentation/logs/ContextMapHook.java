package io.sightline.instrumentation.logs;

import io.sightline.bootstrap.Hook;
import java.util.Map;

/**
 * Called with a map of context entries that is about to be returned (an event's MDC map, a copy
 * of the MDC); answers a copy with the trace fields added, or null to keep the map unchanged.
 */
public final class ContextMapHook extends Hook {
  public ContextMapHook(String instrumentation) {
    super(instrumentation);
  }

  @Override
  public Object enter(Object self, Object map, Object unused) {
    return TraceFields.get().addTo((Map<?, ?>) map);
  }
}
