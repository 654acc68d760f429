package io.sightline.instrumentation.apachehttpclient;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.http.ClientCall;
import io.sightline.instrumentation.http.HttpClientTelemetry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The HttpClient 5 async callbacks, as {@link Proxy} instances of the library's interfaces (the
 * agent cannot define classes in the application's loader): the exec callback ends the attempt's
 * span; the future callback runs the application's code in the caller's context.
 */
final class AsyncCallbacks {
  private AsyncCallbacks() {}

  /** {call, AsyncExecCallback} to a wrapping AsyncExecCallback. */
  static Hook execCallbackHook(HttpClientTelemetry telemetry) {
    return new Hook(ApacheHttpClientInstrumentationModule.NAME) {
      @Override
      public Object enter(Object call, Object callback, Object unused) {
        if (!(call instanceof ClientCall) || callback == null) {
          return null;
        }
        Class<?> type = interfaceOf(callback, "org.apache.hc.client5.http.async.AsyncExecCallback");
        return type == null ? null : Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
            new ExecCallback(telemetry, (ClientCall) call, callback));
      }
    };
  }

  /** FutureCallback to one that runs in the current context. */
  static Hook futureCallbackHook() {
    return new Hook(ApacheHttpClientInstrumentationModule.NAME) {
      @Override
      public Object enter(Object unused, Object callback, Object unused2) {
        Context context = Context.current();
        if (!HttpClientTelemetry.shouldStart(context)) {
          return null;
        }
        Class<?> type = interfaceOf(callback, "org.apache.hc.core5.concurrent.FutureCallback");
        return type == null ? null : Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
            new ContextCallback(callback, context));
      }
    };
  }

  private static Class<?> interfaceOf(Object object, String name) {
    for (Class<?> c = object.getClass(); c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (i.getName().equals(name)) {
          return i;
        }
      }
    }
    try {
      return Class.forName(name, false, object.getClass().getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static final class ExecCallback implements InvocationHandler {
    private final HttpClientTelemetry telemetry;
    private final ClientCall call;
    private final Object delegate;
    private volatile int status = -1;

    ExecCallback(HttpClientTelemetry telemetry, ClientCall call, Object delegate) {
      this.telemetry = telemetry;
      this.call = call;
      this.delegate = delegate;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, delegate);
      }
      switch (method.getName()) {
        case "handleResponse":
          status = statusOf(args[0]);
          telemetry.responseStatus(call, status);
          break;
        case "completed":
          telemetry.end(call, status, null);
          break;
        case "failed":
          telemetry.end(call, status, (Throwable) args[0]);
          break;
        default:
          break;
      }
      return call(method, delegate, args);
    }

    private static int statusOf(Object response) {
      try {
        return (Integer) response.getClass().getMethod("getCode").invoke(response);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return -1;
      }
    }
  }

  private static final class ContextCallback implements InvocationHandler {
    private final Object delegate;
    private final Context context;

    ContextCallback(Object delegate, Context context) {
      this.delegate = delegate;
      this.context = context;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, delegate);
      }
      try (Scope ignored = context.makeCurrent()) {
        return call(method, delegate, args);
      }
    }
  }

  static Object call(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static Object objectMethod(Object proxy, Method method, Object[] args, Object delegate) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return String.valueOf(delegate);
    }
  }
}
