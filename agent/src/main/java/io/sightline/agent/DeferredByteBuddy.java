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
 * A class transformer that answers classes without Byte Buddy, and builds Byte Buddy's only for a
 * class it cannot answer. The answers come from the {@link TransformCache} on a warm start (every
 * class file the cache knows gets its stored outcome), or from the {@link
 * io.sightline.agent.weave.Weaver} on a start without a cache (every class whose type matchers
 * answer from its class file, and whose advice the weaver can inline).
 *
 * <p>The first class it cannot answer (a new class, or a new version of one; a matcher that needs
 * a type description) starts building Byte Buddy's transformer on a thread of its own; that class,
 * and any other unanswered one loaded before the transformer is ready, loads unchanged and is
 * retransformed once it is ready, as classes loaded before a late attach are. From then on
 * unanswered classes are transformed by Byte Buddy as they load (and, with a cache, their outcomes
 * added to it). Nothing waits for the build: a thread that loads a class never blocks on another
 * that may itself be loading classes.
 */
final class DeferredByteBuddy implements ClassFileTransformer, AutoCloseable {
  /** Where the answers come from. */
  interface Answers {
    /**
     * The new class file, {@link TransformCache#UNCHANGED}, or null when Byte Buddy is to decide.
     */
    byte[] answer(Module module, ClassLoader loader, String name, byte[] classFile);

    /** Whether a class loaded before the install is retransformed at the install. */
    boolean changesLoaded(Class<?> type);
  }

  private static final int RETRANSFORM_ATTEMPTS = 50;
  private static final long RETRANSFORM_PAUSE_MILLIS = 100;

  private final Answers answers;
  private final TransformCache cache;
  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  private final Supplier<ClassFileTransformer> byteBuddy;
  private final AtomicBoolean buildStarted = new AtomicBoolean();
  private final Queue<Missed> missed = new ConcurrentLinkedQueue<>();
  private final List<Class<?>> restoredOnClose = new ArrayList<>();
  private volatile ClassFileTransformer delegate;
  private volatile boolean closed;

  /** A class that loaded unchanged because it was left to Byte Buddy, and Byte Buddy was not ready. */
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

  /** With a cache, Byte Buddy's outcomes are recorded in it; {@code cache} may be null. */
  DeferredByteBuddy(Answers answers, TransformCache cache, Instrumentation instrumentation, ClassLoader agentLoader,
      Supplier<ClassFileTransformer> byteBuddy) {
    this.answers = answers;
    this.cache = cache;
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
    this.byteBuddy = byteBuddy;
  }

  /** {@code first}'s answers, and {@code second}'s for a class {@code first} leaves open. */
  static Answers firstOf(Answers first, Answers second) {
    return new Answers() {
      @Override
      public byte[] answer(Module module, ClassLoader loader, String name, byte[] classFile) {
        byte[] answer = first.answer(module, loader, name, classFile);
        return answer != null ? answer : second.answer(module, loader, name, classFile);
      }

      @Override
      public boolean changesLoaded(Class<?> type) {
        return first.changesLoaded(type) || second.changesLoaded(type);
      }
    };
  }

  /** The answers of a warm start: the cache's stored outcomes. */
  static Answers fromCache(TransformCache cache, Instrumentation instrumentation) {
    CachingTransformer.ReadEdges readEdges = new CachingTransformer.ReadEdges(instrumentation);
    return new Answers() {
      @Override
      public byte[] answer(Module module, ClassLoader loader, String name, byte[] classFile) {
        return CachingTransformer.fromCache(cache, readEdges, module, loader, name, classFile);
      }

      @Override
      public boolean changesLoaded(Class<?> type) {
        return cache.hasWoven(type.getName().replace('.', '/'));
      }
    };
  }

  /** Registers the transformer and retransforms the classes loaded before the agent that it changes. */
  void install() {
    instrumentation.addTransformer(this, true);
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getClassLoader() != agentLoader && !type.isArray() && !type.isPrimitive() && answers.changesLoaded(type)
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
    byte[] answer = answers.answer(module, loader, name, classFile);
    if (answer != null) {
      return answer == TransformCache.UNCHANGED ? null : answer;
    }
    ClassFileTransformer transformer = delegate;
    if (transformer == null) {
      missed.add(new Missed(loader, name));
      if (AgentLog.isDebug()) {
        AgentLog.debug("left to Byte Buddy: " + name + " (" + loader + ")");
      }
      startBuild();
      transformer = delegate; // built in the meantime: transform it now (it may be retransformed too)
      if (transformer == null) {
        return null;
      }
    }
    return cache == null ? transformer.transform(module, loader, name, redefined, protectionDomain, classFile)
        : CachingTransformer.transformAndRecord(transformer, cache, module, loader, name, redefined, protectionDomain,
            classFile);
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
      AgentLog.debug("a class was left to Byte Buddy; Byte Buddy built in "
          + (System.nanoTime() - start) / 1_000_000 + " ms");
      retransformMissed();
    } catch (Throwable t) {
      AgentLog.warn("instrumentation of the classes left to Byte Buddy failed: " + t);
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
        AgentLog.debug(found.size() + " classes loaded before Byte Buddy was ready retransformed");
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
