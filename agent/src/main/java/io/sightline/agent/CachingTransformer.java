package io.sightline.agent;

import io.sightline.bootstrap.AgentLog;
import io.sightline.bootstrap.Hooks;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * Byte Buddy's installed transformer behind the {@link TransformCache}, for a start with no usable
 * cache file: every outcome is recorded, and a class file the cache already has (a second loader
 * with the same library) gets its stored outcome. Warm starts use {@link CachedStart} instead.
 *
 * <p>Not recorded: an outcome on which Byte Buddy reported an error (it may not fail next time),
 * and a class loaded while another is being transformed on the same thread (Byte Buddy leaves such
 * a nested class alone, which says nothing about the class when it loads on its own).
 */
final class CachingTransformer extends ResettableClassFileTransformer.WithDelegation {
  private static final ThreadLocal<int[]> STATE = ThreadLocal.withInitial(() -> new int[2]); // depth, errors

  private final TransformCache cache;
  private final ClassLoader agentLoader;
  private final ReadEdges readEdges;

  CachingTransformer(ResettableClassFileTransformer delegate, TransformCache cache, Instrumentation instrumentation,
      ClassLoader agentLoader) {
    super(delegate);
    this.cache = cache;
    this.agentLoader = agentLoader;
    this.readEdges = new ReadEdges(instrumentation);
  }

  /** Called by the agent's listener when Byte Buddy reports an error for a class on this thread. */
  static void errorReported() {
    STATE.get()[1]++;
  }

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  /** A class of the JDK: in a named module of the boot or platform loader. */
  static boolean isJdkClass(Module module, ClassLoader loader) {
    return module != null && module.isNamed() && (loader == null || loader == PLATFORM);
  }

  /**
   * After the install: the JDK's classes loaded before the transformer was installed and left
   * unchanged by it are recorded by name, so that a warm start, whose transformer is installed
   * earlier and sees more of them load, knows them too.
   */
  static void recordLoadedJdkClasses(Instrumentation instrumentation, TransformCache cache) {
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      String name = type.getName();
      if (!type.isArray() && !type.isPrimitive() && isJdkClass(type.getModule(), type.getClassLoader())
          && name.indexOf('/') < 0) {
        cache.recordJdkUnchanged(name.replace('.', '/'));
      }
    }
  }

  /** Whether this thread is inside a transformation already (a class loaded while matching another). */
  static boolean isNested() {
    return STATE.get()[0] > 0;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    if (loader == agentLoader || name == null || classFile == null || InstrumentationInstaller.isIgnored(name)) {
      return classFileTransformer.transform(module, loader, name, redefined, protectionDomain, classFile);
    }
    byte[] cached = fromCache(cache, readEdges, module, loader, name, classFile);
    if (cached != null) {
      return cached == TransformCache.UNCHANGED ? null : cached;
    }
    return transformAndRecord(classFileTransformer, cache, module, loader, name, redefined, protectionDomain,
        classFile);
  }

  @Override
  public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain protectionDomain,
      byte[] classFile) throws IllegalClassFormatException {
    return classFileTransformer.transform(loader, name, redefined, protectionDomain, classFile);
  }

  /**
   * The cache's answer for a class being loaded: its woven bytes, {@link TransformCache#UNCHANGED},
   * or null when the class goes to Byte Buddy (not in the cache, loaded inside another
   * transformation, or woven into a module that cannot be made to read the agent's hooks).
   */
  static byte[] fromCache(TransformCache cache, ReadEdges readEdges, Module module, ClassLoader loader, String name,
      byte[] classFile) {
    if (isNested()) {
      return null;
    }
    byte[] cached = cache.lookup(name, classFile, isJdkClass(module, loader));
    if (cached == null || cached == TransformCache.UNCHANGED) {
      return cached;
    }
    if (!readEdges.ensure(module)) {
      return null;
    }
    if (AgentLog.isDebug()) {
      AgentLog.debug("transformed " + name.replace('/', '.') + " (from the startup cache)");
    }
    return cached;
  }

  /** Byte Buddy's outcome for the class file, recorded in the cache unless it was nested or failed. */
  static byte[] transformAndRecord(ClassFileTransformer byteBuddy, TransformCache cache, Module module,
      ClassLoader loader, String name, Class<?> redefined, ProtectionDomain protectionDomain, byte[] classFile)
      throws IllegalClassFormatException {
    int[] state = STATE.get();
    boolean nested = state[0] > 0;
    int errorsBefore = state[1];
    state[0]++;
    byte[] output;
    try {
      output = byteBuddy.transform(module, loader, name, redefined, protectionDomain, classFile);
    } finally {
      state[0]--;
    }
    if (!nested && state[1] == errorsBefore) {
      cache.record(name, classFile, output, isJdkClass(module, loader));
    }
    return output;
  }

  /**
   * Advice in a class of a named module (the JDK's) calls {@code io.sightline.bootstrap}, in the
   * boot loader's unnamed module: the module must read it, as Byte Buddy's listener arranges when
   * it transforms such a class itself.
   */
  static final class ReadEdges {
    private final Instrumentation instrumentation;
    private final Module hooksModule = Hooks.class.getModule();
    private final Set<Module> done = ConcurrentHashMap.newKeySet();

    ReadEdges(Instrumentation instrumentation) {
      this.instrumentation = instrumentation;
    }

    /** False if the edge could not be added (the class then goes to Byte Buddy instead). */
    boolean ensure(Module module) {
      if (module == null || !module.isNamed() || done.contains(module)) {
        return true;
      }
      try {
        if (!module.canRead(hooksModule)) {
          instrumentation.redefineModule(module, Collections.singleton(hooksModule), Collections.emptyMap(),
              Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
        }
        done.add(module);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }
  }
}
