package io.sightline.agent;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Which already-loaded classes the install-time retransformation pass looks at: those the {@link
 * ClassFilter} cannot turn away by their loader and name, and never the agent's own. By premain
 * the agent class loader has loaded more classes (Byte Buddy, the OpenTelemetry SDK) than the JDK
 * has, and Byte Buddy would locate, read and parse the class file of each one before the ignore
 * matcher rejects it; of the thousand or so JDK classes, a handful are named by an instrumentation.
 */
final class LoadedClassDiscovery implements AgentBuilder.RedefinitionStrategy.DiscoveryStrategy {
  private final ClassFilter filter;

  LoadedClassDiscovery(ClassFilter filter) {
    this.filter = filter;
  }

  @Override
  public Iterable<Iterable<Class<?>>> resolve(Instrumentation instrumentation) {
    Class<?>[] loaded = instrumentation.getAllLoadedClasses();
    List<Class<?>> candidates = new ArrayList<>(loaded.length);
    for (Class<?> type : loaded) {
      if (filter.mayMatchLoaded(type)) {
        candidates.add(type);
      }
    }
    return Collections.<Iterable<Class<?>>>singletonList(candidates);
  }
}
