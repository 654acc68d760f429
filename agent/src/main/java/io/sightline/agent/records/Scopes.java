package io.sightline.agent.records;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfoBuilder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A provider's tracers or loggers, one per instrumentation scope (name, version, schema URL), made
 * once; a scope asked for without a name is {@code unknown}, as in the SDK.
 */
final class Scopes<T> {
  private final ConcurrentHashMap<InstrumentationScopeInfo, T> byScope = new ConcurrentHashMap<>();
  private final Function<InstrumentationScopeInfo, T> create;

  Scopes(Function<InstrumentationScopeInfo, T> create) {
    this.create = create;
  }

  /** A scope of this name (or {@code unknown}), for the caller's builder to add version and schema to. */
  static InstrumentationScopeInfoBuilder scope(String name) {
    return InstrumentationScopeInfo.builder(name == null || name.isEmpty() ? "unknown" : name);
  }

  T get(InstrumentationScopeInfoBuilder scope) {
    return byScope.computeIfAbsent(scope.build(), create);
  }
}
