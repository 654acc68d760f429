package io.sightline.instrumentation.otelapi;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.sightline.instrumentation.api.Suppression;

/**
 * The application's {@code ContextStorage}, backed by the agent's: there is one current context
 * per thread, the agent's, and it carries the application's last attached {@code Context} (with
 * its baggage and other keys) under a private key. The current span is always the agent's:
 *
 * <ul>
 *   <li>{@code attach(appContext)} makes current an agent context whose span is the one behind the
 *       application's span (a bridged span's own, or a wrapper of the span context of any other,
 *       for example a span of the application's own SDK);
 *   <li>{@code current()} returns the application context stored there, with a bridged view of the
 *       agent's current span when the agent has made a newer span current (a SERVER span, a
 *       {@code @WithSpan} span).
 * </ul>
 */
final class ContextBridge {
  private static final ContextKey<Object> APP_CONTEXT = ContextKey.named("sightline-application-context");

  private ContextBridge() {}

  static Object storage(AppApi api) {
    return BridgeHandler.proxy(api, api.storageClass, new StorageHandler(api));
  }

  /** The agent context for an application context, on top of {@code base} (which keeps agent-only keys). */
  static Context toAgent(AppApi api, Object appContext, Context base) throws ReflectiveOperationException {
    if (appContext == null) {
      return base;
    }
    Object appSpan = api.spanOf(appContext);
    Span span;
    if (appSpan == null) {
      span = Span.getInvalid();
    } else {
      span = ApiHandlers.agentSpan(appSpan);
      if (span == null) {
        span = Span.wrap(api.toAgentSpanContext(appSpan));
      }
    }
    Context agent = base.with(APP_CONTEXT, appContext).with(span);
    // InstrumentationUtil.suppressInstrumentation: the application's SDK exporting, say.
    return api.suppresses(appContext) ? Suppression.suppressed(agent) : agent;
  }

  /** The application's view of the agent's current context. */
  static Object fromAgent(AppApi api, Context agent) throws ReflectiveOperationException {
    Object stored = agent.get(APP_CONTEXT);
    Object appContext = api.contextClass.isInstance(stored) ? stored : api.rootContext();
    Span span = Span.fromContextOrNull(agent);
    if (span == null || !span.getSpanContext().isValid()) {
      return appContext;
    }
    Object appSpan = api.spanOf(appContext);
    if (appSpan != null) {
      Span behind = ApiHandlers.agentSpan(appSpan);
      if (behind == span || (behind == null && sameSpan(api.toAgentSpanContext(appSpan), span.getSpanContext()))) {
        return appContext;
      }
    }
    return api.withSpan(appContext, ApiHandlers.span(api, span));
  }

  private static boolean sameSpan(SpanContext a, SpanContext b) {
    return a.getTraceId().equals(b.getTraceId()) && a.getSpanId().equals(b.getSpanId());
  }

  static final class StorageHandler extends BridgeHandler {
    StorageHandler(AppApi api) {
      super(api);
    }

    @Override
    Object handle(Object proxy, String name, int arity, Object[] args) throws Throwable {
      switch (name) {
        case "current":
          return fromAgent(api, Context.current());
        case "attach":
          Scope scope = toAgent(api, args[0], Context.current()).makeCurrent();
          return proxy(api, api.scopeClass, new ScopeHandler(api, scope));
        default:
          // root() keeps its default body: the application's own root context.
          return UNHANDLED;
      }
    }

    @Override
    String describe() {
      return "Sightline bridged ContextStorage";
    }
  }

  static final class ScopeHandler extends BridgeHandler {
    private final Scope scope;

    ScopeHandler(AppApi api, Scope scope) {
      super(api);
      this.scope = scope;
    }

    @Override
    Object handle(Object proxy, String name, int arity, Object[] args) {
      if (name.equals("close")) {
        scope.close();
        return null;
      }
      return UNHANDLED;
    }

    @Override
    String describe() {
      return "Sightline bridged Scope";
    }
  }
}
