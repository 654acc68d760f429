package io.sightline.instrumentation.okhttp;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.AgentLog;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.http.ClientCall;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/** The hooks of the OkHttp module and the network interceptor they install. */
final class OkHttpTracing {
  /** The call being executed on this thread: its context and how many attempts it made. */
  private static final class CallState {
    final CallState previous;
    final Scope scope;
    final long startNanos;
    int attempts;

    CallState(CallState previous, Scope scope, long startNanos) {
      this.previous = previous;
      this.scope = scope;
      this.startNanos = startNanos;
    }
  }

  private static final ThreadLocal<CallState> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> IN_ATTEMPT = new ThreadLocal<>();

  private final HttpClientTelemetry telemetry;
  /** The caller's context of enqueued calls, until a dispatcher thread runs them. */
  private final Map<Object, Context> enqueued = Collections.synchronizedMap(new WeakHashMap<>());

  OkHttpTracing(HttpClientTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  Hook clientBuildHook() {
    return new Hook(OkHttpInstrumentationModule.NAME) {
      @Override
      public Object enter(Object builder, Object arg0, Object arg1) {
        try {
          addInterceptor(builder);
        } catch (ReflectiveOperationException e) {
          AgentLog.debug("okhttp: cannot add the tracing interceptor: " + e);
        }
        return null;
      }
    };
  }

  Hook callChainHook() {
    return new Hook(OkHttpInstrumentationModule.NAME) {
      @Override
      public Object enter(Object call, Object arg0, Object arg1) {
        Context context = enqueued.remove(call);
        Scope scope = context == null ? null : context.makeCurrent();
        CallState state = new CallState(CURRENT.get(), scope, System.nanoTime());
        CURRENT.set(state);
        return state;
      }

      @Override
      public void exit(Object stateObject, Object call, Object result, Throwable thrown) {
        if (!(stateObject instanceof CallState)) {
          return;
        }
        CallState state = (CallState) stateObject;
        try {
          if (thrown != null && state.attempts == 0) {
            failedBeforeNetwork(call, state, thrown);
          }
        } finally {
          CURRENT.set(state.previous);
          if (state.scope != null) {
            state.scope.close();
          }
        }
      }
    };
  }

  Hook enqueueHook() {
    return new Hook(OkHttpInstrumentationModule.NAME) {
      @Override
      public Object enter(Object call, Object callback, Object arg1) {
        if (callback == null) {
          return null;
        }
        Context context = Context.current();
        if (!HttpClientTelemetry.shouldStart(context)) {
          return null;
        }
        enqueued.put(call, context);
        OkHttpTypes types;
        try {
          types = OkHttpTypes.of(call.getClass());
        } catch (ReflectiveOperationException e) {
          return null;
        }
        return Proxy.newProxyInstance(types.loader, new Class<?>[] {types.callback}, new ContextCallback(callback, context));
      }
    };
  }

  private void addInterceptor(Object builder) throws ReflectiveOperationException {
    OkHttpTypes types = OkHttpTypes.of(builder.getClass());
    Object interceptor = types.tracingInterceptor;
    if (interceptor == null) {
      interceptor = Proxy.newProxyInstance(types.loader, new Class<?>[] {types.interceptor}, new TracingInterceptor(types));
      types.tracingInterceptor = interceptor;
    }
    List<?> existing = (List<?>) types.networkInterceptors.invoke(builder);
    for (Object item : existing) {
      if (item == interceptor) {
        return;
      }
    }
    types.addNetworkInterceptor.invoke(builder, interceptor);
  }

  /** A call that failed before OkHttp reached the network: one ERROR span for it. */
  private void failedBeforeNetwork(Object call, CallState state, Throwable thrown) {
    try {
      OkHttpTypes types = OkHttpTypes.of(call.getClass());
      Object request = types.callRequest.invoke(call);
      ClientCall span = telemetry.start(Context.current(), (String) types.requestMethod.invoke(request),
          String.valueOf(types.requestUrl.invoke(request)), 0, state.startNanos);
      telemetry.end(span, -1, thrown);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.debug("okhttp: cannot record a failed call: " + e);
    }
  }

  /** {@code okhttp3.Interceptor#intercept(Chain)}: one CLIENT span per attempt, headers injected. */
  private final class TracingInterceptor implements InvocationHandler {
    private final OkHttpTypes types;

    TracingInterceptor(OkHttpTypes types) {
      this.types = types;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, "SightlineTracingInterceptor");
      }
      Object chain = args[0];
      Object request = call(types.chainRequest, chain);
      Context parent = Context.current();
      if (IN_ATTEMPT.get() != null || !HttpClientTelemetry.shouldStart(parent)) {
        return call(types.chainProceed, chain, request);
      }
      ClientCall call = null;
      Object traced = request;
      try {
        CallState state = CURRENT.get();
        int attempt = state == null ? 0 : state.attempts++;
        call = telemetry.start(parent, (String) types.requestMethod.invoke(request),
            String.valueOf(types.requestUrl.invoke(request)), attempt);
        if (call != null) {
          Object builder = types.requestNewBuilder.invoke(request);
          List<String> headers = telemetry.headers(call);
          for (int i = 0; i + 1 < headers.size(); i += 2) {
            types.builderHeader.invoke(builder, headers.get(i), headers.get(i + 1));
          }
          traced = types.builderBuild.invoke(builder);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        AgentLog.debug("okhttp: cannot trace a request: " + e);
        traced = request;
      }
      if (call == null) {
        return call(types.chainProceed, chain, request);
      }
      IN_ATTEMPT.set(Boolean.TRUE);
      Object response;
      try {
        response = call(types.chainProceed, chain, traced);
      } catch (Throwable t) {
        telemetry.end(call, -1, t);
        throw t;
      } finally {
        IN_ATTEMPT.remove();
      }
      int code = -1;
      try {
        code = (Integer) types.responseCode.invoke(response);
      } catch (ReflectiveOperationException | RuntimeException e) {
        AgentLog.debug("okhttp: cannot read the status: " + e);
      }
      telemetry.end(call, code, null);
      return response;
    }
  }

  /** {@code okhttp3.Callback}: the application's callback, run in the caller's context. */
  private static final class ContextCallback implements InvocationHandler {
    private final Object callback;
    private final Context context;

    ContextCallback(Object callback, Context context) {
      this.callback = callback;
      this.context = context;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, String.valueOf(callback));
      }
      try (Scope ignored = context.makeCurrent()) {
        return call(method, callback, args);
      }
    }
  }

  /** Calls through reflection, rethrowing what the target threw as it is. */
  static Object call(Method method, Object target, Object... args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static Object objectMethod(Object proxy, Method method, Object[] args, String description) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return description;
    }
  }
}
