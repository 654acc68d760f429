package io.sightline.instrumentation.annotations;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.util.Collections;
import java.util.List;

/**
 * {@code @WithSpan} and {@code @SpanAttribute} from {@code
 * io.opentelemetry.instrumentation:opentelemetry-instrumentation-annotations}: one span per call of
 * an annotated method, whatever version of the annotations the application ships.
 */
public final class AnnotationsInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "opentelemetry-instrumentation-annotations";

  public AnnotationsInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList(ApplicationApiNames.WITH_SPAN);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new WithSpanInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    Hooks.register(HookIds.WITH_SPAN, new WithSpanHook(context.openTelemetry().getTracer("io.sightline." + NAME)));
  }
}
