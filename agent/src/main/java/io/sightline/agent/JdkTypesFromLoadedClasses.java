package io.sightline.agent;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * {@code POOL_FIRST}, except that classes being loaded are described lazily (parsed only when a
 * matcher needs more than the name), and that JDK classes already loaded are described from
 * the loaded class. Retransforming at install time looks at every loaded class (about a thousand
 * JDK classes at premain), and the pool would locate and parse the class file of each one only to
 * read its name. Reflecting on a JDK class can only touch other JDK classes, so it cannot load an
 * application class, which is what {@code POOL_FIRST} is there to prevent.
 */
final class JdkTypesFromLoadedClasses implements AgentBuilder.DescriptionStrategy {
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  @Override
  public boolean isLoadedFirst() {
    return false;
  }

  @Override
  public TypeDescription apply(String name, Class<?> type, TypePool typePool, AgentBuilder.CircularityLock circularityLock,
      ClassLoader classLoader, JavaModule module) {
    if (type == null) {
      // A class being loaded: POOL_FIRST would ask the pool whether it resolves, which parses the
      // class file of every class the JVM loads. The answer does not matter here (there is no loaded
      // class to fall back to), so hand out the lazy description: it is parsed only if a matcher
      // needs more than the name, or if the type is transformed.
      return typePool.describe(name).resolve();
    }
    if (classLoader == null || classLoader == PLATFORM) {
      return TypeDescription.ForLoadedType.of(type);
    }
    return AgentBuilder.DescriptionStrategy.Default.POOL_FIRST.apply(name, type, typePool, circularityLock, classLoader, module);
  }
}
