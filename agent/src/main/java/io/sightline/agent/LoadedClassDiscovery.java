package io.sightline.agent;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Which already-loaded classes the install-time retransformation pass looks at: all of them
 * except the agent's own. By premain the agent class loader has loaded more classes (Byte Buddy,
 * the OpenTelemetry SDK) than the JDK has, and Byte Buddy would locate, read and parse the class
 * file of each one before the ignore matcher rejects it.
 */
final class LoadedClassDiscovery implements AgentBuilder.RedefinitionStrategy.DiscoveryStrategy {
  private final ClassLoader agentLoader;

  LoadedClassDiscovery(ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
  }

  @Override
  public Iterable<Iterable<Class<?>>> resolve(Instrumentation instrumentation) {
    Class<?>[] loaded = instrumentation.getAllLoadedClasses();
    List<Class<?>> candidates = new ArrayList<>(loaded.length);
    for (Class<?> type : loaded) {
      if (type.getClassLoader() != agentLoader) {
        candidates.add(type);
      }
    }
    return Collections.<Iterable<Class<?>>>singletonList(candidates);
  }
}
