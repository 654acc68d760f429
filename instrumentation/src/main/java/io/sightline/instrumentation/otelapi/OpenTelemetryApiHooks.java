package io.sightline.instrumentation.otelapi;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.bootstrap.Hook;

/** Hand the application the bridged objects in place of what its API returns. */
final class OpenTelemetryApiHooks {
  /** An application whose API cannot be bridged (see {@link AppApi#of}) keeps its own objects. */
  private static final Object NONE = new Object();

  private OpenTelemetryApiHooks() {}

  /** {@code GlobalOpenTelemetry.get()}: the agent's OpenTelemetry, whatever was registered. */
  static final class GlobalGet extends Hook {
    private final OpenTelemetry agent;
    private final ClassValue<Object> bridges = new ClassValue<>() {
      @Override
      protected Object computeValue(Class<?> globalClass) {
        AppApi api = AppApi.of(globalClass);
        return api == null ? NONE : ApiHandlers.openTelemetry(api, agent);
      }
    };

    GlobalGet(OpenTelemetry agent) {
      super(OpenTelemetryApiInstrumentationModule.NAME);
      this.agent = agent;
    }

    @Override
    public Object enter(Object globalClass, Object unused0, Object unused1) {
      Object bridge = bridges.get((Class<?>) globalClass);
      return bridge == NONE ? null : bridge;
    }
  }

  /** {@code ContextStorage.get()}: the storage backed by the agent's context. */
  static final class StorageGet extends Hook {
    private final ClassValue<Object> storages = new ClassValue<>() {
      @Override
      protected Object computeValue(Class<?> storageClass) {
        AppApi api = AppApi.of(storageClass);
        return api == null ? NONE : ContextBridge.storage(api);
      }
    };

    StorageGet() {
      super(OpenTelemetryApiInstrumentationModule.NAME);
    }

    @Override
    public Object enter(Object storageClass, Object unused0, Object unused1) {
      Object storage = storages.get((Class<?>) storageClass);
      return storage == NONE ? null : storage;
    }
  }
}
