package io.sightline.instrumentation.servlet;

import io.sightline.bootstrap.AgentLog;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.concurrent.TimeoutException;

/**
 * Behind a {@link java.lang.reflect.Proxy} implementing the container's {@code AsyncListener}
 * (the agent cannot name servlet types): ends the request's span when its asynchronous processing
 * completes, not when {@code service} returns. Never throws into the container.
 */
final class ServletAsyncListener implements InvocationHandler {
  private final ServletRequestState state;

  ServletAsyncListener(ServletRequestState state) {
    this.state = state;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) {
    try {
      switch (method.getName()) {
        case "onComplete":
          state.end(state.asyncError);
          return null;
        case "onError":
          Throwable error = state.api.eventThrowable(args[0]);
          if (error != null) {
            state.asyncError = error;
          }
          return null;
        case "onTimeout":
          if (state.asyncError == null) {
            state.asyncError = new TimeoutException("async request timed out");
          }
          return null;
        case "onStartAsync":
          // A new async cycle drops the listeners of the last one: register again.
          state.api.addListenerTo(state.api.eventAsyncContext(args[0]), this);
          return null;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "SightlineAsyncListener";
        default:
          return null;
      }
    } catch (Throwable t) {
      AgentLog.debug("servlet: async listener " + method.getName() + " failed: " + t);
      return null;
    }
  }
}
