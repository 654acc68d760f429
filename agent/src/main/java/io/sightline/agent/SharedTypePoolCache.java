package io.sightline.agent;

import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * One type-pool cache per class loader, shared by all the classes that loader defines. Byte
 * Buddy's default pool starts empty for every class, so hierarchy matchers ({@code hasSuperType})
 * re-read and re-parse the same super types ({@code Object}, common interfaces, framework base
 * classes) for each class the application loads. Caches are held softly (the JVM may drop them
 * under memory pressure) and keyed weakly by loader (a collected loader takes its cache with it).
 */
final class SharedTypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
  private final TypePool.CacheProvider bootstrap = new TypePool.CacheProvider.Simple.UsingSoftReference();
  private final Map<ClassLoader, TypePool.CacheProvider> byLoader = new WeakHashMap<>();

  SharedTypePoolCache() {
    super(TypePool.Default.ReaderMode.FAST);
  }

  @Override
  protected TypePool.CacheProvider locate(ClassLoader classLoader) {
    if (classLoader == null) {
      return bootstrap;
    }
    synchronized (byLoader) {
      return byLoader.computeIfAbsent(classLoader, loader -> new TypePool.CacheProvider.Simple.UsingSoftReference());
    }
  }
}
