package io.sightline.instrumentation.otelapi;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.annotations.ApplicationApiNames;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's own (unrelocated) OpenTelemetry API as seen through reflection, one instance
 * per class loader that holds a copy of it. Only methods present since API 1.0 are looked up, so
 * any 1.x version works. Values cross between the two APIs as plain strings, numbers and enum
 * names; the agent never links against the application's classes.
 */
final class AppApi {
  private static final ClassValue<Optional<AppApi>> BY_CLASS = new ClassValue<>() {
    @Override
    protected Optional<AppApi> computeValue(Class<?> anyApiClass) {
      try {
        return Optional.of(new AppApi(anyApiClass.getClassLoader()));
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        // For example opentelemetry-context without opentelemetry-api: nothing to bridge.
        AgentLog.debug(OpenTelemetryApiInstrumentationModule.NAME + ": not bridging the API in "
            + anyApiClass.getClassLoader() + ": " + e);
        return Optional.empty();
      }
    }
  };

  final ClassLoader loader;
  final Class<?> contextClass;
  final Class<?> storageClass;
  final Class<?> scopeClass;
  final Class<?> spanClass;
  final Class<?> spanBuilderClass;
  final Class<?> tracerClass;
  final Class<?> tracerProviderClass;
  final Class<?> openTelemetryClass;
  private final Class<?> spanContextClass;
  private final Class<?> attributeKeyClass;
  private final Method contextRoot;
  private final Method contextWithImplicit;
  private final Method spanFromContextOrNull;
  private final Method spanGetSpanContext;
  private final Method spanContextCreate;
  private final Method spanContextCreateRemote;
  private final Method spanContextTraceId;
  private final Method spanContextSpanId;
  private final Method spanContextFlags;
  private final Method spanContextIsRemote;
  private final Method traceFlagsAsByte;
  private final Method traceFlagsFromByte;
  private final Method traceStateDefault;
  private final Method attributeKeyName;
  private final Method attributeKeyType;
  private final Method attributesForEach;
  private final Object propagators;
  /** {@code InstrumentationUtil.shouldSuppressInstrumentation(Context)}, or null (API before 1.31). */
  private final Method shouldSuppress;
  private final ConcurrentHashMap<Method, MethodHandle> defaultMethods = new ConcurrentHashMap<>();

  private AppApi(ClassLoader loader) throws ReflectiveOperationException {
    this.loader = loader;
    contextClass = load("context.Context");
    storageClass = load("context.ContextStorage");
    scopeClass = load("context.Scope");
    Class<?> implicitKeyed = load("context.ImplicitContextKeyed");
    spanClass = load("api.trace.Span");
    spanBuilderClass = load("api.trace.SpanBuilder");
    tracerClass = load("api.trace.Tracer");
    tracerProviderClass = load("api.trace.TracerProvider");
    openTelemetryClass = load("api.OpenTelemetry");
    spanContextClass = load("api.trace.SpanContext");
    Class<?> traceFlags = load("api.trace.TraceFlags");
    Class<?> traceState = load("api.trace.TraceState");
    attributeKeyClass = load("api.common.AttributeKey");
    Class<?> attributes = load("api.common.Attributes");

    contextRoot = contextClass.getMethod("root");
    contextWithImplicit = contextClass.getMethod("with", implicitKeyed);
    spanFromContextOrNull = spanClass.getMethod("fromContextOrNull", contextClass);
    spanGetSpanContext = spanClass.getMethod("getSpanContext");
    spanContextCreate = spanContextClass.getMethod("create", String.class, String.class, traceFlags, traceState);
    spanContextCreateRemote = spanContextClass.getMethod("createFromRemoteParent", String.class, String.class, traceFlags, traceState);
    spanContextTraceId = spanContextClass.getMethod("getTraceId");
    spanContextSpanId = spanContextClass.getMethod("getSpanId");
    spanContextFlags = spanContextClass.getMethod("getTraceFlags");
    spanContextIsRemote = spanContextClass.getMethod("isRemote");
    traceFlagsAsByte = traceFlags.getMethod("asByte");
    traceFlagsFromByte = traceFlags.getMethod("fromByte", byte.class);
    traceStateDefault = traceState.getMethod("getDefault");
    attributeKeyName = attributeKeyClass.getMethod("getKey");
    attributeKeyType = attributeKeyClass.getMethod("getType");
    attributesForEach = attributes.getMethod("forEach", java.util.function.BiConsumer.class);

    // W3C trace context and baggage, the application's own implementations over its own Context.
    Class<?> textMapPropagator = load("context.propagation.TextMapPropagator");
    Object traceContext = load("api.trace.propagation.W3CTraceContextPropagator").getMethod("getInstance").invoke(null);
    Object baggage = load("api.baggage.propagation.W3CBaggagePropagator").getMethod("getInstance").invoke(null);
    Object array = java.lang.reflect.Array.newInstance(textMapPropagator, 2);
    java.lang.reflect.Array.set(array, 0, traceContext);
    java.lang.reflect.Array.set(array, 1, baggage);
    Object composite = textMapPropagator.getMethod("composite", array.getClass()).invoke(null, array);
    propagators = load("context.propagation.ContextPropagators").getMethod("create", textMapPropagator).invoke(null, composite);

    // The application's SDK marks its own exports with it (api.impl since 1.48, api.internal before).
    Method suppress = null;
    for (String util : new String[] {"api.impl.InstrumentationUtil", "api.internal.InstrumentationUtil"}) {
      try {
        suppress = load(util).getMethod("shouldSuppressInstrumentation", contextClass);
        break;
      } catch (ReflectiveOperationException | LinkageError e) {
        // not in this version of the API
      }
    }
    shouldSuppress = suppress;
  }

  /** Whether the application's code asked that nothing be traced in this context (its SDK's exports). */
  boolean suppresses(Object appContext) {
    if (shouldSuppress == null) {
      return false;
    }
    try {
      return Boolean.TRUE.equals(shouldSuppress.invoke(null, appContext));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Null when it cannot be bridged. The view of the API that {@code anyApiClass} (a class of the application's API) belongs to. */
  static AppApi of(Class<?> anyApiClass) {
    return BY_CLASS.get(anyApiClass).orElse(null);
  }

  private Class<?> load(String suffix) throws ClassNotFoundException {
    return Class.forName(ApplicationApiNames.of(suffix), false, loader);
  }

  Object propagators() {
    return propagators;
  }

  Object rootContext() throws ReflectiveOperationException {
    return contextRoot.invoke(null);
  }

  /** The application span stored in an application context, or null. */
  Object spanOf(Object appContext) throws ReflectiveOperationException {
    return spanFromContextOrNull.invoke(null, appContext);
  }

  Object withSpan(Object appContext, Object appSpan) throws ReflectiveOperationException {
    return contextWithImplicit.invoke(appContext, appSpan);
  }

  /** The agent's span context for any application span (a bridged one, the application SDK's, a wrapped one). */
  SpanContext toAgentSpanContext(Object appSpan) throws ReflectiveOperationException {
    return fromAppSpanContext(spanGetSpanContext.invoke(appSpan));
  }

  SpanContext fromAppSpanContext(Object appSpanContext) throws ReflectiveOperationException {
    String traceId = (String) spanContextTraceId.invoke(appSpanContext);
    String spanId = (String) spanContextSpanId.invoke(appSpanContext);
    byte flags = (Byte) traceFlagsAsByte.invoke(spanContextFlags.invoke(appSpanContext));
    boolean remote = (Boolean) spanContextIsRemote.invoke(appSpanContext);
    TraceFlags agentFlags = TraceFlags.fromByte(flags);
    return remote
        ? SpanContext.createFromRemoteParent(traceId, spanId, agentFlags, TraceState.getDefault())
        : SpanContext.create(traceId, spanId, agentFlags, TraceState.getDefault());
  }

  Object toAppSpanContext(SpanContext spanContext) throws ReflectiveOperationException {
    Object flags = traceFlagsFromByte.invoke(null, spanContext.getTraceFlags().asByte());
    Object state = traceStateDefault.invoke(null);
    Method create = spanContext.isRemote() ? spanContextCreateRemote : spanContextCreate;
    return create.invoke(null, spanContext.getTraceId(), spanContext.getSpanId(), flags, state);
  }

  boolean isSpanContext(Object value) {
    return spanContextClass.isInstance(value);
  }

  boolean isAttributeKey(Object value) {
    return attributeKeyClass.isInstance(value);
  }

  /** Converts the application's {@code Attributes}; null stays null. */
  Attributes toAgentAttributes(Object appAttributes) throws ReflectiveOperationException {
    if (appAttributes == null) {
      return Attributes.empty();
    }
    AttributesBuilder builder = Attributes.builder();
    java.util.function.BiConsumer<Object, Object> copy = (key, value) -> putAttribute(builder, key, value);
    attributesForEach.invoke(appAttributes, copy);
    return builder.build();
  }

  /** One attribute given as the application's {@code AttributeKey} and its value. */
  void putAttribute(AttributesBuilder builder, Object appKey, Object value) {
    try {
      String name = (String) attributeKeyName.invoke(appKey);
      String type = ((Enum<?>) attributeKeyType.invoke(appKey)).name();
      putTyped(builder, name, type, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static void putTyped(AttributesBuilder builder, String name, String type, Object value) {
    if (value == null) {
      return;
    }
    switch (type) {
      case "STRING":
        builder.put(AttributeKey.stringKey(name), String.valueOf(value));
        break;
      case "BOOLEAN":
        builder.put(AttributeKey.booleanKey(name), (Boolean) value);
        break;
      case "LONG":
        builder.put(AttributeKey.longKey(name), ((Number) value).longValue());
        break;
      case "DOUBLE":
        builder.put(AttributeKey.doubleKey(name), ((Number) value).doubleValue());
        break;
      case "STRING_ARRAY":
        builder.put(AttributeKey.stringArrayKey(name), (List<String>) value);
        break;
      case "BOOLEAN_ARRAY":
        builder.put(AttributeKey.booleanArrayKey(name), (List<Boolean>) value);
        break;
      case "LONG_ARRAY":
        builder.put(AttributeKey.longArrayKey(name), (List<Long>) value);
        break;
      case "DOUBLE_ARRAY":
        builder.put(AttributeKey.doubleArrayKey(name), (List<Double>) value);
        break;
      default:
        builder.put(AttributeKey.stringKey(name), String.valueOf(value));
    }
  }

  /** Runs an interface's default method on a proxy (the proxy itself cannot: it would loop). */
  Object invokeDefault(Object proxy, Method method, Object[] args) throws Throwable {
    MethodHandle handle = defaultMethods.get(method);
    if (handle == null) {
      Class<?> declaring = method.getDeclaringClass();
      handle = MethodHandles.privateLookupIn(declaring, MethodHandles.lookup()).unreflectSpecial(method, declaring);
      defaultMethods.put(method, handle);
    }
    Object[] all = new Object[(args == null ? 0 : args.length) + 1];
    all[0] = proxy;
    if (args != null) {
      System.arraycopy(args, 0, all, 1, args.length);
    }
    return handle.invokeWithArguments(all);
  }
}
