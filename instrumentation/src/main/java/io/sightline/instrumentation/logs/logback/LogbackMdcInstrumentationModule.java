package io.sightline.instrumentation.logs.logback;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.logs.ContextMapHook;
import io.sightline.instrumentation.logs.ContextValueHook;
import java.util.Arrays;
import java.util.List;

/**
 * Trace, span and request ids in Logback events and in what the application reads from the SLF4J
 * MDC. The ids are never written into the MDC itself: they are added to what is read from it while
 * a span is current, so nothing can leak from one request to the next on a pooled thread.
 */
public final class LogbackMdcInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "logback-mdc";

  public LogbackMdcInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new LoggingEventInstrumentation(), new Slf4jMdcInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.LOGBACK_EVENT_MDC_MAP, new ContextMapHook(NAME, true));
    Hooks.register(HookIds.SLF4J_MDC_COPY, new ContextMapHook(NAME, false));
    Hooks.register(HookIds.SLF4J_MDC_GET, new ContextValueHook(NAME));
  }
}
