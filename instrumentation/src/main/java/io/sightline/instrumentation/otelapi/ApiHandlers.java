package io.sightline.instrumentation.otelapi;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The application's OpenTelemetry, TracerProvider, Tracer, SpanBuilder and Span, backed by the agent's. */
final class ApiHandlers {
  private ApiHandlers() {}

  static Object openTelemetry(AppApi api, OpenTelemetry agent) {
    return BridgeHandler.proxy(api, api.openTelemetryClass, new OpenTelemetryHandler(api, agent));
  }

  static Object span(AppApi api, Span span) {
    return BridgeHandler.proxy(api, api.spanClass, new SpanHandler(api, span));
  }

  /** The agent span behind an application span created by the bridge, else null. */
  static Span agentSpan(Object appSpan) {
    SpanHandler handler = BridgeHandler.handlerOf(appSpan, SpanHandler.class);
    return handler == null ? null : handler.span;
  }

  static final class OpenTelemetryHandler extends BridgeHandler {
    private final OpenTelemetry agent;
    private final Object tracerProvider;

    OpenTelemetryHandler(AppApi api, OpenTelemetry agent) {
      super(api);
      this.agent = agent;
      this.tracerProvider = proxy(api, api.tracerProviderClass, new TracerProviderHandler(api, agent));
    }

    @Override
    Object handle(Object proxy, String name, int arity, Object[] args) {
      switch (name) {
        case "getTracerProvider":
          return tracerProvider;
        case "getPropagators":
          return api.propagators();
        default:
          // getTracer/tracerBuilder run their default bodies over getTracerProvider; metrics and
          // logs keep the API's no-op defaults (not bridged, see docs/context-and-api-bridge.md).
          return UNHANDLED;
      }
    }

    @Override
    String describe() {
      return "Sightline bridge to " + agent;
    }
  }

  static final class TracerProviderHandler extends BridgeHandler {
    private final OpenTelemetry agent;

    TracerProviderHandler(AppApi api, OpenTelemetry agent) {
      super(api);
      this.agent = agent;
    }

    @Override
    Object handle(Object proxy, String name, int arity, Object[] args) {
      if (name.equals("get")) {
        Tracer tracer = arity >= 2 && args[1] != null
            ? agent.getTracer((String) args[0], (String) args[1])
            : agent.getTracer((String) args[0]);
        return proxy(api, api.tracerClass, new TracerHandler(api, tracer));
      }
      return UNHANDLED;
    }

    @Override
    String describe() {
      return "Sightline bridged TracerProvider";
    }
  }

  static final class TracerHandler extends BridgeHandler {
    private final Tracer tracer;

    TracerHandler(AppApi api, Tracer tracer) {
      super(api);
      this.tracer = tracer;
    }

    @Override
    Object handle(Object proxy, String name, int arity, Object[] args) {
      if (name.equals("spanBuilder")) {
        return proxy(api, api.spanBuilderClass, new SpanBuilderHandler(api, tracer.spanBuilder((String) args[0])));
      }
      return UNHANDLED;
    }

    @Override
    String describe() {
      return "Sightline bridged Tracer";
    }
  }

  static final class SpanBuilderHandler extends BridgeHandler {
    private final SpanBuilder builder;

    SpanBuilderHandler(AppApi api, SpanBuilder builder) {
      super(api);
      this.builder = builder;
    }

    @Override
    Object handle(Object proxy, String name, int arity, Object[] args) throws Throwable {
      switch (name) {
        case "setParent":
          builder.setParent(ContextBridge.toAgent(api, args[0], Context.current()));
          return proxy;
        case "setNoParent":
          builder.setNoParent();
          return proxy;
        case "addLink":
          if (api.isSpanContext(args[0])) {
            builder.addLink(api.fromAppSpanContext(args[0]), arity >= 2 ? api.toAgentAttributes(args[1]) : Attributes.empty());
          }
          return proxy;
        case "setAttribute":
          setAttribute(args);
          return proxy;
        case "setAllAttributes":
          builder.setAllAttributes(api.toAgentAttributes(args[0]));
          return proxy;
        case "setSpanKind":
          if (args[0] != null) {
            builder.setSpanKind(SpanKind.valueOf(((Enum<?>) args[0]).name()));
          }
          return proxy;
        case "setStartTimestamp":
          if (arity == 2) {
            builder.setStartTimestamp((Long) args[0], (TimeUnit) args[1]);
          } else if (args[0] instanceof Instant) {
            builder.setStartTimestamp((Instant) args[0]);
          }
          return proxy;
        case "startSpan":
          return span(api, builder.startSpan());
        default:
          return UNHANDLED;
      }
    }

    private void setAttribute(Object[] args) {
      Object key = args[0];
      Object value = args[1];
      if (value == null) {
        return;
      }
      if (key instanceof String) {
        AttributesBuilder one = Attributes.builder();
        AppApi.putTyped(one, (String) key, typeOf(value), value);
        builder.setAllAttributes(one.build());
      } else if (api.isAttributeKey(key)) {
        AttributesBuilder one = Attributes.builder();
        api.putAttribute(one, key, value);
        builder.setAllAttributes(one.build());
      }
    }

    @Override
    String describe() {
      return "Sightline bridged SpanBuilder";
    }
  }

  static final class SpanHandler extends BridgeHandler {
    final Span span;

    SpanHandler(AppApi api, Span span) {
      super(api);
      this.span = span;
    }

    @Override
    Object handle(Object proxy, String name, int arity, Object[] args) throws Throwable {
      switch (name) {
        case "setAttribute":
          if (args[1] != null) {
            AttributesBuilder one = Attributes.builder();
            if (args[0] instanceof String) {
              AppApi.putTyped(one, (String) args[0], typeOf(args[1]), args[1]);
            } else if (api.isAttributeKey(args[0])) {
              api.putAttribute(one, args[0], args[1]);
            }
            span.setAllAttributes(one.build());
          }
          return proxy;
        case "setAllAttributes":
          span.setAllAttributes(api.toAgentAttributes(args[0]));
          return proxy;
        case "addEvent":
          addEvent(args, arity);
          return proxy;
        case "setStatus":
          StatusCode code = StatusCode.valueOf(((Enum<?>) args[0]).name());
          if (arity >= 2 && args[1] != null) {
            span.setStatus(code, (String) args[1]);
          } else {
            span.setStatus(code);
          }
          return proxy;
        case "recordException":
          span.recordException((Throwable) args[0], arity >= 2 ? api.toAgentAttributes(args[1]) : Attributes.empty());
          return proxy;
        case "updateName":
          span.updateName((String) args[0]);
          return proxy;
        case "addLink":
          if (api.isSpanContext(args[0])) {
            span.addLink(api.fromAppSpanContext(args[0]), arity >= 2 ? api.toAgentAttributes(args[1]) : Attributes.empty());
          }
          return proxy;
        case "end":
          if (arity == 2) {
            span.end((Long) args[0], (TimeUnit) args[1]);
          } else if (arity == 1 && args[0] instanceof Instant) {
            span.end((Instant) args[0]);
          } else {
            span.end();
          }
          return null;
        case "getSpanContext":
          return api.toAppSpanContext(span.getSpanContext());
        case "isRecording":
          return span.isRecording();
        default:
          // storeInContext and makeCurrent keep their default bodies: they go through the
          // application's Context, whose storage is bridged.
          return UNHANDLED;
      }
    }

    private void addEvent(Object[] args, int arity) throws ReflectiveOperationException {
      String eventName = (String) args[0];
      Attributes attributes = arity >= 2 && !(args[1] instanceof Long) && !(args[1] instanceof Instant)
          ? api.toAgentAttributes(args[1]) : Attributes.empty();
      Object last = args[arity - 1];
      if (last instanceof TimeUnit) {
        span.addEvent(eventName, attributes, (Long) args[arity - 2], (TimeUnit) last);
      } else if (last instanceof Instant) {
        span.addEvent(eventName, attributes, (Instant) last);
      } else {
        span.addEvent(eventName, attributes);
      }
    }

    @Override
    String describe() {
      return "Sightline bridged " + span;
    }
  }

  static String typeOf(Object value) {
    if (value instanceof Boolean) {
      return "BOOLEAN";
    }
    if (value instanceof Double || value instanceof Float) {
      return "DOUBLE";
    }
    if (value instanceof Number) {
      return "LONG";
    }
    return "STRING";
  }
}
