package io.sightline.instrumentation.logs.log4j;

import io.sightline.bootstrap.Hook;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.logs.ContextValueHook;
import io.sightline.instrumentation.logs.TraceFields;
import java.util.Arrays;
import java.util.List;

/**
 * Trace, span and request ids in the context data of Log4j2 events, and in what the application
 * reads with {@code ThreadContext.get}. The thread context itself is never written.
 */
public final class Log4jContextDataInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "log4j-context-data";

  public Log4jContextDataInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new ContextDataInjectorInstrumentation(), new ThreadContextInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.LOG4J_CONTEXT_DATA, new FieldsHook());
    Hooks.register(HookIds.LOG4J_THREAD_CONTEXT_GET, new ContextValueHook(NAME));
  }

  /** The current fields as {@code key, value...} for the advice to put in the event's map, or null. */
  static final class FieldsHook extends Hook {
    FieldsHook() {
      super(NAME);
    }

    @Override
    public Object enter(Object self, Object unused0, Object unused1) {
      return TraceFields.get().current();
    }
  }
}
