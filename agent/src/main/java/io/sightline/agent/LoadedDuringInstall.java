package io.sightline.agent;

import io.sightline.bootstrap.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Classes loaded while the transformer was being installed, which the install left without their
 * advice, retransformed just after.
 *
 * <p>A class loaded while a class file transformer runs on the same thread is never shown to the
 * agent's transformers: the JDK's instrumentation agent holds a per-thread re-entrancy token for
 * the length of a transform call. During the install, Byte Buddy retransforms the JDK classes that
 * are already loaded and describes them by reflection, which loads the classes their members name
 * ({@code ForkJoinTask} while {@code CompletableFuture} is retransformed). Byte Buddy's circularity
 * lock does the same to a class the installing thread loads between two transform calls. Either
 * way the class is defined without advice, and, being loaded, would keep none for the life of the
 * JVM.
 *
 * <p>The classes loaded over the install are the difference of two listings of the loaded
 * classes. On a thread of the agent's, those an instrumentation would change, and that were not
 * transformed, are retransformed.
 */
final class LoadedDuringInstall {
  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  private final Set<Class<?>> before;

  /** Lists the classes loaded now (the agent's own aside): call just before the install. */
  LoadedDuringInstall(Instrumentation instrumentation, ClassLoader agentLoader) {
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
    Class<?>[] loaded = instrumentation.getAllLoadedClasses();
    before = Collections.newSetFromMap(new IdentityHashMap<>(loaded.length * 2));
    for (Class<?> type : loaded) {
      if (type.getClassLoader() != agentLoader) {
        before.add(type);
      }
    }
  }

  /** The classes loaded since the listing (the agent's own, arrays and lambdas aside). */
  private List<Class<?>> loadedSince() {
    List<Class<?>> since = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (!before.contains(type) && type.getClassLoader() != agentLoader && !type.isArray()
          && !type.isPrimitive() && !InstrumentationInstaller.isIgnored(type.getName().replace('.', '/'))) {
        since.add(type);
      }
    }
    return since;
  }

  /**
   * Call just after the install: on a thread of its own, retransforms the classes loaded since the
   * listing for which {@code missed} answers true.
   */
  void retransformMissed(Predicate<Class<?>> missed) {
    List<Class<?>> since = loadedSince();
    before.clear();
    if (since.isEmpty()) {
      return;
    }
    Thread thread = new Thread(() -> retransformMissed(since, missed), "sightline-install-check");
    thread.setDaemon(true);
    thread.start();
  }

  private void retransformMissed(List<Class<?>> since, Predicate<Class<?>> missed) {
    long start = System.nanoTime();
    List<Class<?>> changed = new ArrayList<>();
    for (Class<?> type : since) {
      try {
        if (instrumentation.isModifiableClass(type) && missed.test(type)) {
          changed.add(type);
        }
      } catch (RuntimeException | LinkageError e) {
        AgentLog.debug("could not match " + type.getName() + ", loaded during the install: " + e);
      }
    }
    if (!changed.isEmpty()) {
      retransform(instrumentation, changed);
    }
    if (AgentLog.isDebug()) {
      AgentLog.debug(since.size() + " classes loaded during the install, retransformed " + changed + " in "
          + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
  }

  /** Retransforms {@code types}; one the JVM refuses does not cost the others their advice. */
  static void retransform(Instrumentation instrumentation, List<Class<?>> types) {
    try {
      instrumentation.retransformClasses(types.toArray(new Class<?>[0]));
    } catch (Throwable all) {
      for (Class<?> type : types) {
        try {
          instrumentation.retransformClasses(type);
        } catch (Throwable one) {
          AgentLog.debug(type.getName() + " not retransformed: " + one);
        }
      }
    }
  }
}
