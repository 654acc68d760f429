package io.sightline.instrumentation.otelapi;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Base of the proxies that implement the application's API interfaces. Proxy classes are defined
 * by the JDK in the application's class loader, so the agent ships no class compiled against the
 * application's API (which the agent jar's relocation would rewrite anyway). Methods are dispatched
 * by name and arity; a default method the bridge does not know runs its own default body; an
 * unknown abstract method (from an API newer than this bridge) returns the proxy when it fits the
 * return type (builder style), else a neutral value.
 */
abstract class BridgeHandler implements InvocationHandler {
  final AppApi api;

  BridgeHandler(AppApi api) {
    this.api = api;
  }

  static Object proxy(AppApi api, Class<?> type, BridgeHandler handler) {
    return Proxy.newProxyInstance(api.loader, new Class<?>[] {type}, handler);
  }

  /** The handler behind {@code value} if it is one of our proxies of the given kind, else null. */
  static <T extends BridgeHandler> T handlerOf(Object value, Class<T> kind) {
    if (value != null && Proxy.isProxyClass(value.getClass())) {
      InvocationHandler handler = Proxy.getInvocationHandler(value);
      if (kind.isInstance(handler)) {
        return kind.cast(handler);
      }
    }
    return null;
  }

  @Override
  public final Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    int arity = args == null ? 0 : args.length;
    if (method.getDeclaringClass() == Object.class) {
      switch (name) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        default:
          return describe();
      }
    }
    Object result = handle(proxy, name, arity, args == null ? new Object[0] : args);
    if (result != UNHANDLED) {
      return result;
    }
    if (method.isDefault()) {
      return api.invokeDefault(proxy, method, args);
    }
    Class<?> returnType = method.getReturnType();
    if (returnType.isInstance(proxy)) {
      return proxy;
    }
    if (returnType == boolean.class) {
      return false;
    }
    if (returnType.isPrimitive() && returnType != void.class) {
      return 0;
    }
    return null;
  }

  static final Object UNHANDLED = new Object();

  /** Returns the result, or {@link #UNHANDLED} to fall back to the default behaviour. */
  abstract Object handle(Object proxy, String name, int arity, Object[] args) throws Throwable;

  abstract String describe();
}
