package io.sightline.agent;

import io.sightline.bootstrap.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The class transformer of a warm start (a {@link TransformCache} with entries): every class file
 * the cache knows gets its stored outcome, and Byte Buddy is not built at all while that holds.
 *
 * <p>The first class file the cache does not know (a new class, or a new version of one) starts
 * building Byte Buddy's transformer on a thread of its own; that class, and any other unknown one
 * loaded before the transformer is ready, loads unchanged and is retransformed once it is ready,
 * as classes loaded before a late attach are. From then on unknown classes are transformed as
 * they load, and their outcomes added to the cache. Nothing waits for the build: a thread that
 * loads a class never blocks on another that may itself be loading classes.
 */
final class CachedStart implements ClassFileTransformer, AutoCloseable {
  private static final int RETRANSFORM_ATTEMPTS = 50;
  private static final long RETRANSFORM_PAUSE_MILLIS = 100;

  private final TransformCache cache;
  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  private final Supplier<ClassFileTransformer> byteBuddy;
  private final CachingTransformer.ReadEdges readEdges;
  private final AtomicBoolean buildStarted = new AtomicBoolean();
  private final Queue<Missed> missed = new ConcurrentLinkedQueue<>();
  private final List<Class<?>> restoredOnClose = new ArrayList<>();
  private volatile ClassFileTransformer delegate;
  private volatile boolean closed;

  /** A class that loaded unchanged because the cache did not know it and Byte Buddy was not ready. */
  private static final class Missed {
    final WeakReference<ClassLoader> loader;
    final boolean bootLoader;
    final String className;

    Missed(ClassLoader loader, String internalName) {
      this.loader = new WeakReference<>(loader);
      this.bootLoader = loader == null;
      this.className = internalName.replace('/', '.');
    }

    boolean is(Class<?> type) {
      ClassLoader typeLoader = type.getClassLoader();
      return className.equals(type.getName()) && (bootLoader ? typeLoader == null : typeLoader == loader.get());
    }
  }

  CachedStart(TransformCache cache, Instrumentation instrumentation, ClassLoader agentLoader,
      Supplier<ClassFileTransformer> byteBuddy) {
    this.cache = cache;
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
    this.byteBuddy = byteBuddy;
    this.readEdges = new CachingTransformer.ReadEdges(instrumentation);
  }

  /** Registers the transformer and gives the classes loaded before the agent their stored outcome. */
  void install() {
    instrumentation.addTransformer(this, true);
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getClassLoader() != agentLoader && cache.hasWoven(type.getName().replace('.', '/'))
          && instrumentation.isModifiableClass(type)) {
        loaded.add(type);
      }
    }
    if (!loaded.isEmpty()) {
      LoadedDuringInstall.retransform(instrumentation, loaded);
      restoredOnClose.addAll(loaded);
    }
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    if (closed || loader == agentLoader || name == null || classFile == null || InstrumentationInstaller.isIgnored(name)) {
      return null;
    }
    byte[] cached = CachingTransformer.fromCache(cache, readEdges, module, loader, name, classFile);
    if (cached != null) {
      return cached == TransformCache.UNCHANGED ? null : cached;
    }
    ClassFileTransformer transformer = delegate;
    if (transformer == null) {
      missed.add(new Missed(loader, name));
      if (AgentLog.isDebug()) {
        AgentLog.debug("startup cache: not in the cache: " + name + " (" + loader + ")");
      }
      startBuild();
      transformer = delegate; // built in the meantime: transform it now (it may be retransformed too)
      if (transformer == null) {
        return null;
      }
    }
    return CachingTransformer.transformAndRecord(transformer, cache, module, loader, name, redefined,
        protectionDomain, classFile);
  }

  private void startBuild() {
    if (!buildStarted.compareAndSet(false, true)) {
      return;
    }
    Thread builder = new Thread(this::build, "sightline-transformer");
    builder.setDaemon(true);
    builder.start();
  }

  private void build() {
    try {
      long start = System.nanoTime();
      delegate = byteBuddy.get();
      AgentLog.debug("startup cache: a class was not in the cache; Byte Buddy built in "
          + (System.nanoTime() - start) / 1_000_000 + " ms");
      retransformMissed();
    } catch (Throwable t) {
      AgentLog.warn("instrumentation of classes not in the startup cache failed: " + t);
    }
  }

  /**
   * Retransforms the classes that loaded unchanged while Byte Buddy was being built. A class is
   * queued before it is defined, so one not yet loaded is looked for again a little later.
   */
  private void retransformMissed() throws InterruptedException {
    List<Missed> pending = new ArrayList<>();
    for (int attempt = 0; attempt < RETRANSFORM_ATTEMPTS && !closed; attempt++) {
      for (Missed m; (m = missed.poll()) != null; ) {
        pending.add(m);
      }
      if (pending.isEmpty()) {
        return;
      }
      List<Class<?>> found = new ArrayList<>();
      for (Class<?> type : instrumentation.getAllLoadedClasses()) {
        for (Iterator<Missed> it = pending.iterator(); it.hasNext(); ) {
          if (it.next().is(type)) {
            it.remove();
            if (instrumentation.isModifiableClass(type)) {
              found.add(type);
            }
            break;
          }
        }
      }
      if (!found.isEmpty()) {
        LoadedDuringInstall.retransform(instrumentation, found);
        AgentLog.debug("startup cache: " + found.size() + " classes loaded before Byte Buddy was ready retransformed");
      }
      pending.removeIf(m -> !m.bootLoader && m.loader.get() == null);
      if (!pending.isEmpty()) {
        Thread.sleep(RETRANSFORM_PAUSE_MILLIS);
      }
    }
  }

  /** Removes the transformer and restores the classes it changed at install (premain failed). */
  @Override
  public void close() {
    closed = true;
    instrumentation.removeTransformer(this);
    if (!restoredOnClose.isEmpty()) {
      LoadedDuringInstall.retransform(instrumentation, Collections.unmodifiableList(restoredOnClose));
    }
  }
}
