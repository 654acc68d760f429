package io.sightline.instrumentation.logs;

import io.sightline.bootstrap.Hook;
import java.util.Map;

/**
 * Called with a map of context entries that is about to be returned; answers it with the trace
 * fields added, or null to keep the map unchanged. A copy of the MDC that the application asked
 * for ({@code MDC.getCopyOfContextMap()}) stays a copy it may change; an event's snapshot of the
 * MDC, which nobody changes, gets a read-only view instead ({@link TraceFields#overlay}).
 */
public final class ContextMapHook extends Hook {
  private final boolean snapshot;

  /**
   * @param snapshot whether the maps are read-only snapshots (an event's), so that a view will do
   */
  public ContextMapHook(String instrumentation, boolean snapshot) {
    super(instrumentation);
    this.snapshot = snapshot;
  }

  @Override
  public Object enter(Object self, Object map, Object unused) {
    TraceFields fields = TraceFields.get();
    return snapshot ? fields.overlay((Map<?, ?>) map) : fields.addTo((Map<?, ?>) map);
  }
}
