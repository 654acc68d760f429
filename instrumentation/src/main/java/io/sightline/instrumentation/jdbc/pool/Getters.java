package io.sightline.instrumentation.jdbc.pool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls no-argument getters of pool classes that the agent cannot link against (they live in
 * the application's class loader). Method handles are looked up once per class and name.
 */
public final class Getters {
  private static final MethodType OBJECT_GETTER = MethodType.methodType(Object.class, Object.class);
  /** Marks a getter the class does not have, so that the lookup is not repeated. */
  private static final MethodHandle MISSING = MethodHandles.constant(Object.class, null);

  private static final ClassValue<ConcurrentHashMap<String, MethodHandle>> HANDLES =
      new ClassValue<ConcurrentHashMap<String, MethodHandle>>() {
        @Override
        protected ConcurrentHashMap<String, MethodHandle> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  private Getters() {}

  /** The getter's value, or null when the target is null or has no such getter. */
  public static Object get(Object target, String getter) {
    if (target == null) {
      return null;
    }
    MethodHandle handle = HANDLES.get(target.getClass()).computeIfAbsent(getter, name -> find(target.getClass(), name));
    if (handle == MISSING) {
      return null;
    }
    try {
      return (Object) handle.invokeExact(target);
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * A public field's value, read through the target's own (public) class: HikariCP's pool keeps
   * its configuration in a public field of a package-private base class. Null when there is none.
   * Not cached: read once per pool, when a pool unknown to the agent is first used.
   */
  public static Object field(Object target, String name) {
    if (target == null) {
      return null;
    }
    try {
      Class<?> type = target.getClass().getField(name).getType();
      return MethodHandles.publicLookup().findGetter(target.getClass(), name, type).invoke(target);
    } catch (Throwable t) {
      return null;
    }
  }

  /** A numeric getter's value, or -1. */
  public static long getLong(Object target, String getter) {
    Object value = get(target, getter);
    return value instanceof Number ? ((Number) value).longValue() : -1;
  }

  public static String getString(Object target, String getter) {
    Object value = get(target, getter);
    return value == null ? null : value.toString();
  }

  private static MethodHandle find(Class<?> type, String name) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        return handle(c.getDeclaredMethod(name));
      } catch (NoSuchMethodException e) {
        // look in the superclass
      } catch (Throwable t) {
        return MISSING;
      }
    }
    try {
      return handle(type.getMethod(name)); // a default method of an interface
    } catch (Throwable t) {
      return MISSING;
    }
  }

  private static MethodHandle handle(Method method) throws IllegalAccessException {
    // Protected getters (DBCP's getConnectionPool) and public methods of non-public classes need
    // this; application classes sit in unnamed modules, which are open to everyone.
    method.setAccessible(true);
    return MethodHandles.lookup().unreflect(method).asType(OBJECT_GETTER);
  }
}
