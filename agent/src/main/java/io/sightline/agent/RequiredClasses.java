package io.sightline.agent;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The class-loader pre-check: a module's types are matched only in loaders that can see all of
 * its required classes. The answer is cached per loader, weakly, so that loaders can be collected.
 */
final class RequiredClasses extends ElementMatcher.Junction.AbstractBase<ClassLoader> {
  private final String[] resources;
  private final Map<ClassLoader, Boolean> cache = new WeakHashMap<>();
  // The bootstrap loader (null) cannot be a WeakHashMap key; its answer never changes.
  private volatile Boolean bootstrapAnswer;

  RequiredClasses(List<String> classNames) {
    resources = new String[classNames.size()];
    for (int i = 0; i < resources.length; i++) {
      resources[i] = classNames.get(i).replace('.', '/') + ".class";
    }
  }

  @Override
  public boolean matches(ClassLoader loader) {
    if (resources.length == 0) {
      return true;
    }
    if (loader == null) {
      // Byte Buddy asks for every JDK class it sees (the loader is checked before the type name).
      Boolean known = bootstrapAnswer;
      if (known == null) {
        known = hasAll(ClassLoader.getPlatformClassLoader());
        bootstrapAnswer = known;
      }
      return known;
    }
    synchronized (cache) {
      Boolean known = cache.get(loader);
      if (known != null) {
        return known;
      }
    }
    boolean result = hasAll(loader);
    synchronized (cache) {
      cache.put(loader, result);
    }
    return result;
  }

  private boolean hasAll(ClassLoader loader) {
    for (String resource : resources) {
      if (loader.getResource(resource) == null) {
        return false;
      }
    }
    return true;
  }
}
