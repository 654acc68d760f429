package io.sightline.instrumentation.logs;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * A public no-argument method of a logging library's object, called from the agent class loader,
 * which cannot link against the library. The handle is resolved once per runtime class, on a
 * public type that declares the method (implementation classes are sometimes not public).
 */
public final class NoArgMethod {
  private static final MethodHandle MISSING = MethodHandles.constant(Object.class, null);

  private final String name;
  private final ClassValue<MethodHandle> handles = new ClassValue<MethodHandle>() {
    @Override
    protected MethodHandle computeValue(Class<?> type) {
      return resolve(type);
    }
  };

  public NoArgMethod(String name) {
    this.name = name;
  }

  /** The result, or null when the object is null or has no such public method. */
  public Object call(Object target) {
    if (target == null) {
      return null;
    }
    try {
      // invokeExact: every handle here has the type (Object)Object; invoke would check and adapt
      // the type on each call (about 0.1 µs, on every log record's logger name and message).
      return (Object) handles.get(target.getClass()).invokeExact(target);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(name + "() failed on " + target.getClass().getName(), t);
    }
  }

  public String callString(Object target) {
    Object value = call(target);
    return value == null ? null : value.toString();
  }

  private MethodHandle resolve(Class<?> type) {
    Method method = find(type);
    if (method == null) {
      return MethodHandles.dropArguments(MISSING, 0, Object.class);
    }
    try {
      MethodHandle handle = MethodHandles.publicLookup().unreflect(method);
      return handle.asType(MethodType.methodType(Object.class, Object.class));
    } catch (IllegalAccessException e) {
      return MethodHandles.dropArguments(MISSING, 0, Object.class);
    }
  }

  private Method find(Class<?> type) {
    if (type == null) {
      return null;
    }
    if (Modifier.isPublic(type.getModifiers())) {
      try {
        Method method = type.getDeclaredMethod(name);
        if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())) {
          return method;
        }
      } catch (NoSuchMethodException ignored) {
        // look further up
      }
    }
    for (Class<?> face : type.getInterfaces()) {
      Method method = find(face);
      if (method != null) {
        return method;
      }
    }
    return find(type.getSuperclass());
  }
}
