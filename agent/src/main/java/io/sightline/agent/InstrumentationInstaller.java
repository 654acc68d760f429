package io.sightline.agent;

import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import io.sightline.bootstrap.AgentLog;
import io.sightline.agent.weave.CannotWeave;
import io.sightline.agent.weave.Weaver;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/** Builds the one Byte Buddy {@link AgentBuilder} for all enabled modules and installs it. */
final class InstrumentationInstaller {
  /** Classes never transformed, by name: the agent's own packages, and generated classes. */
  private static final String[] IGNORED_PREFIXES = {"io.sightline.bootstrap.", "io.sightline.agent.",
      "io.sightline.instrumentation.", "io.sightline.shaded.", "net.bytebuddy.", "jdk.internal.reflect.",
      "sun.reflect.", "java.lang.invoke.", "com.sun.proxy.", "jdk.proxy"};
  private static final String[] IGNORED_PARTS = {"$$Lambda", "$$EnhancerBy", "$HibernateProxy$"};
  private static final String[] IGNORED_INTERNAL_PREFIXES = new String[IGNORED_PREFIXES.length];

  static {
    for (int i = 0; i < IGNORED_PREFIXES.length; i++) {
      IGNORED_INTERNAL_PREFIXES[i] = IGNORED_PREFIXES[i].replace('.', '/');
    }
  }

  private final Map<String, String> instrumentationOfType = new ConcurrentHashMap<>();
  private final Set<String> reportedFailures = ConcurrentHashMap.newKeySet();
  private final AtomicInteger transformed = new AtomicInteger();
  /** Each type instrumentation's matchers, as the transformer applies them. */
  private final List<AgentBuilder.RawMatcher> rules = new ArrayList<>();
  /** The filter in front of the transformer, with every rule. */
  private volatile ClassFilter classFilter;
  private volatile ClassHeaders headers;

  int transformedCount() {
    return transformed.get();
  }

  /**
   * Installs the transformer for {@code modules}; a module for which {@code active} answers false
   * (checked at every match) is skipped. Closing the result removes the transformer and restores
   * the classes it retransformed.
   */
  AutoCloseable install(Instrumentation instrumentation, List<InstrumentationModule> modules, ClassLoader agentLoader,
      Predicate<InstrumentationModule> active, TransformCache cache, boolean weave, StartupClock clock)
      throws Exception {
    loadJdkClassesFirst(modules);
    prepare(modules, agentLoader, active);
    Supplier<ClassFileTransformer> byteBuddy = () -> {
      try {
        ClassFileTransformer raw = builder(instrumentation, modules, agentLoader).makeRaw();
        return raw instanceof ResettableClassFileTransformer
            ? classFilter.before((ResettableClassFileTransformer) raw) : raw;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    boolean warm = cache != null && cache.storedCount() > 0;
    if (weave || warm) {
      // Classes are answered without Byte Buddy: from the startup cache on a warm start, by the
      // weaver (whose outcomes a configured cache records); Byte Buddy is only built for a class
      // neither answers.
      DeferredByteBuddy.Answers answers = weave ? new WeavingAnswers(instrumentation, agentLoader, cache) : null;
      if (warm) {
        DeferredByteBuddy.Answers stored = DeferredByteBuddy.fromCache(cache, instrumentation);
        answers = answers == null ? stored : DeferredByteBuddy.firstOf(stored, answers);
      }
      LoadedDuringInstall during = weave ? new LoadedDuringInstall(instrumentation, agentLoader) : null;
      DeferredByteBuddy start = new DeferredByteBuddy(answers, cache, instrumentation, agentLoader, byteBuddy);
      start.install();
      if (during != null) {
        during.retransformMissed(type -> !instrumentationOfType.containsKey(type.getName())
            && classFilter.mayMatchLoaded(type));
      }
      if (cache != null) {
        CachingTransformer.recordLoadedJdkClasses(instrumentation, cache);
      }
      clock.lap(warm ? "startup cache install" : "weaver install");
      return start;
    }
    AgentBuilder builder = builder(instrumentation, modules, agentLoader);
    // Innermost of all: a class file turned away here is still recorded by the cache as unchanged.
    ClassFilter filter = classFilter;
    builder = builder.with((AgentBuilder.TransformerDecorator) filter::before);
    if (cache != null) {
      // Innermost decorator: the debug timer below also counts the classes answered from the cache.
      builder = builder.with((AgentBuilder.TransformerDecorator) transformer ->
          new CachingTransformer(transformer, cache, instrumentation, agentLoader));
    }
    TransformTimer timer = AgentLog.isDebug() ? new TransformTimer() : null;
    if (timer != null) {
      builder = builder.with((AgentBuilder.TransformerDecorator) transformer ->
          ResettableClassFileTransformer.WithDelegation.of(transformer, timer));
    }
    clock.lap("byte buddy build");
    LoadedDuringInstall during = new LoadedDuringInstall(instrumentation, agentLoader);
    ResettableClassFileTransformer transformer = builder.installOn(instrumentation);
    during.retransformMissed(type -> !instrumentationOfType.containsKey(type.getName()) && wouldTransform(type));
    if (cache != null) {
      CachingTransformer.recordLoadedJdkClasses(instrumentation, cache);
    }
    if (timer != null) {
      timer.report("during premain");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        timer.report("until shutdown");
        AgentLog.debug("class filter: " + filter.report());
        reportUntransformed(instrumentation, agentLoader);
      }, "sightline-debug"));
    }
    return () -> transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
  }

  /**
   * Loads (without initialising) the JDK classes the modules ask for, so that the install finds
   * them loaded and transforms them ({@link InstrumentationModule#jdkClassesToLoadFirst}). A class
   * this JDK does not have is skipped.
   */
  static List<String> loadJdkClassesFirst(List<InstrumentationModule> modules) {
    List<String> loaded = new ArrayList<>();
    for (InstrumentationModule module : modules) {
      for (String name : module.jdkClassesToLoadFirst()) {
        try {
          Class.forName(name, false, null);
          loaded.add(name);
        } catch (ClassNotFoundException | LinkageError e) {
          AgentLog.debug(module.name() + ": " + name + " is not in this JDK");
        }
      }
    }
    return loaded;
  }

  private static ElementMatcher.Junction<TypeDescription> ignoredNames() {
    ElementMatcher.Junction<TypeDescription> names = ElementMatchers.none();
    for (String prefix : IGNORED_PREFIXES) {
      names = names.or(nameStartsWith(prefix));
    }
    for (String part : IGNORED_PARTS) {
      names = names.or(nameContains(part));
    }
    return names;
  }

  /** The same test as the ignore matcher, on a class file's internal name ({@code a/b/C}). */
  static boolean isIgnored(String internalName) {
    for (String prefix : IGNORED_INTERNAL_PREFIXES) {
      if (internalName.startsWith(prefix)) {
        return true;
      }
    }
    for (String part : IGNORED_PARTS) {
      if (internalName.contains(part)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Each type instrumentation's rule (loader check, type matcher, advice), for the class filter,
   * the weaver and Byte Buddy alike.
   */
  private void prepare(List<InstrumentationModule> modules, ClassLoader agentLoader,
      Predicate<InstrumentationModule> active) {
    headers = new ClassHeaders();
    SuperTypes.setResolver(headers);
    ClassFilter filter = new ClassFilter(headers, agentLoader);
    for (InstrumentationModule module : modules) {
      RequiredClasses required = new RequiredClasses(module.requiredClassNames());
      for (TypeInstrumentation type : module.typeInstrumentations()) {
        List<Weaver.Advice> advice = new ArrayList<>();
        type.transform((methods, adviceClassName) -> advice.add(new Weaver.Advice(methods, adviceClassName)));
        filter.add(required, type.typeMatcher(), module.name(), advice, () -> active.test(module));
      }
    }
    for (ClassFilter.Rule rule : filter.rules()) {
      rules.add(new AgentBuilder.RawMatcher.ForElementMatchers(rule.types, rule::appliesTo));
    }
    classFilter = filter;
  }

  /** The one {@link AgentBuilder} for the prepared rules, not yet installed. */
  private AgentBuilder builder(Instrumentation instrumentation, List<InstrumentationModule> modules,
      ClassLoader agentLoader) throws Exception {
    // Errors inside advice go to Hooks.suppressed, where they are counted, not lost.
    Advice.ExceptionHandler exceptionHandler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
        new MethodDescription.ForLoadedMethod(Hooks.class.getMethod("suppressed", Throwable.class))));

    // Byte Buddy's Nexus (live initializers for generated classes) is never needed for advice; left
    // enabled, creating the AgentBuilder probes sun.misc.Unsafe, which JDK 24+ warns about on stderr.
    // (The shade plugin relocates this property name together with Byte Buddy's own constant.)
    String nexus = "net.bytebuddy.nexus.disabled";
    String previous = System.setProperty(nexus, "true");
    AgentBuilder.Default base;
    try {
      // Advice is inlined into the methods a type declares, so the method graph of the whole
      // hierarchy (which Byte Buddy would otherwise compute, parsing every super type) is never used.
      base = new AgentBuilder.Default(new ByteBuddy()
          .with(TypeValidation.DISABLED)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE));
    } finally {
      if (previous == null) {
        System.clearProperty(nexus);
      } else {
        System.setProperty(nexus, previous);
      }
    }
    AgentBuilder builder = base
        // Advice only: the class file is read and written once through the advice visitors.
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        // Advice only, never new fields or methods: classes already loaded can be retransformed.
        .disableClassFormatChanges()
        // Classes loaded before the agent (JDK classes, or everything on a late attach) get advice too.
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        // ...but only those the filter cannot turn away, never the agent's own.
        .with(new LoadedClassDiscovery(classFilter))
        // Describe types from class files, so that matching never loads an application class;
        // fall back to the loaded class for runtime-generated types that have no class file.
        // Loaded JDK classes are described by reflection: much cheaper, and just as safe.
        .with(new JdkTypesFromLoadedClasses())
        // Parsed type descriptions are reused across the classes of a loader (hierarchy matchers).
        .with(new SharedTypePoolCache())
        // Advice in JDK modules calls io.sightline.bootstrap, which lives in the unnamed module.
        .with(AgentBuilder.Listener.ModuleReadEdgeCompleting.of(instrumentation, false, Hooks.class))
        .with(new Reporting())
        // The class file being matched is remembered for the thread, for the SuperTypes matchers.
        .with((AgentBuilder.ClassFileBufferStrategy) headers)
        .with((AgentBuilder.Listener) headers)
        // The agent's own packages only: an application may well live under io.sightline too.
        .ignore(ignoredNames(), ElementMatchers.any())
        .or(ElementMatchers.any(), ElementMatchers.is(agentLoader));
    // Deliberately no isSynthetic() here: it is not a name test, so it would make the pool parse
    // the class file of every class the JVM loads, before any type matcher has rejected it.

    AdviceCache adviceCache = new AdviceCache(agentLoader, exceptionHandler);
    for (ClassFilter.Rule rule : classFilter.rules()) {
      List<Map.Entry<ElementMatcher<? super MethodDescription>, String>> advice = new ArrayList<>();
      for (Weaver.Advice one : rule.advice) {
        advice.add(Map.entry(one.methods(), one.className()));
      }
      String name = rule.module;
      builder = builder
          .type(rule.types, rule::appliesTo)
          .transform((b, typeDescription, classLoader, javaModule, protectionDomain) -> {
            instrumentationOfType.put(typeDescription.getName(), name);
            return b;
          })
          .transform(adviceCache.transformer(advice));
      // Not terminal (Byte Buddy's default): other modules may advise the same type.
    }
    return builder;
  }

  /**
   * Debug, at shutdown: the loaded classes an instrumentation would change that were never
   * transformed (loaded where no transformer saw them, or turned away by Byte Buddy's lock).
   */
  private void reportUntransformed(Instrumentation instrumentation, ClassLoader agentLoader) {
    List<String> missed = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      try {
        if (type.getClassLoader() != agentLoader && !type.isArray() && !type.isPrimitive()
            && !isIgnored(type.getName().replace('.', '/')) && !instrumentationOfType.containsKey(type.getName())
            && instrumentation.isModifiableClass(type) && wouldTransform(type)) {
          missed.add(type.getName());
        }
      } catch (RuntimeException | LinkageError e) {
        // not describable: not reported
      }
    }
    AgentLog.debug("loaded classes an instrumentation would change, never transformed: " + missed);
  }

  /**
   * Whether an instrumentation would change a class already loaded, asked off the class-loading
   * path. JDK classes are described by reflection (as JdkTypesFromLoadedClasses does at the
   * install), others from their class file, so that matching loads none of the application's classes.
   */
  boolean wouldTransform(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    TypeDescription description;
    if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
      description = TypeDescription.ForLoadedType.of(type);
    } else {
      TypePool.Resolution resolution = TypePool.Default.WithLazyResolution.of(ClassFileLocator.ForClassLoader.of(loader))
          .describe(type.getName());
      if (!resolution.isResolved()) {
        return false;
      }
      description = resolution.resolve();
    }
    JavaModule module = JavaModule.ofType(type);
    for (AgentBuilder.RawMatcher rule : rules) {
      if (rule.matches(description, loader, module, type, type.getProtectionDomain())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The weaver's answers: a class whose rules all answer from its class file gets their advice
   * inlined by the {@link Weaver}; one they cannot decide, or whose advice the weaver cannot inline
   * the same way, is left to Byte Buddy.
   */
  private final class WeavingAnswers implements DeferredByteBuddy.Answers {
    private final Weaver weaver;
    private final CachingTransformer.ReadEdges readEdges;

    /** Null when no startup cache is configured; otherwise the weaver's outcomes are recorded in it. */
    private final TransformCache cache;

    WeavingAnswers(Instrumentation instrumentation, ClassLoader agentLoader, TransformCache cache) {
      this.cache = cache;
      ClassHeaders lookup = headers;
      this.weaver = new Weaver(lookup::weaverHeader, className -> {
        try (java.io.InputStream in = agentLoader.getResourceAsStream(className.replace('.', '/') + ".class")) {
          return in == null ? null : in.readAllBytes();
        } catch (java.io.IOException e) {
          return null;
        }
      });
      this.readEdges = new CachingTransformer.ReadEdges(instrumentation);
    }

    @Override
    public byte[] answer(Module module, ClassLoader loader, String name, byte[] classFile) {
      List<ClassFilter.Rule> matched = classFilter.matching(loader, name, classFile);
      if (matched == null) {
        return null;
      }
      if (matched.isEmpty()) {
        return recorded(module, loader, name, classFile, null);
      }
      if (!readEdges.ensure(module)) {
        return null;
      }
      List<Weaver.Advice> advice = matched.get(0).advice;
      String modules = matched.get(0).module;
      for (int i = 1; i < matched.size(); i++) {
        advice = new ArrayList<>(advice);
        advice.addAll(matched.get(i).advice);
        modules += ", " + matched.get(i).module;
      }
      String typeName = name.replace('/', '.');
      try {
        byte[] woven = weaver.weave(loader, classFile, advice);
        if (woven != null) {
          instrumentationOfType.put(typeName, modules);
          transformed.incrementAndGet();
          AgentLog.debug("transformed " + typeName + " (" + modules + ")");
        }
        return recorded(module, loader, name, classFile, woven);
      } catch (CannotWeave e) {
        AgentLog.debug("left to Byte Buddy: " + typeName + " (" + modules + "): " + e.getMessage());
        return null;
      }
    }

    /** The answer for an outcome ({@code woven} null: unchanged), recorded in the cache if there is one. */
    private byte[] recorded(Module module, ClassLoader loader, String name, byte[] classFile, byte[] woven) {
      if (cache != null) {
        cache.record(name, classFile, woven, CachingTransformer.isJdkClass(module, loader));
      }
      return woven == null ? TransformCache.UNCHANGED : woven;
    }

    @Override
    public boolean changesLoaded(Class<?> type) {
      return classFilter.mayMatchLoaded(type);
    }
  }

  /** Logs every transformation under debug, and each failing instrumentation once. */
  private final class Reporting extends AgentBuilder.Listener.Adapter {
    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
      transformed.incrementAndGet();
      AgentLog.debug("transformed " + type.getName() + " (" + instrumentationOfType.get(type.getName()) + ")");
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
      CachingTransformer.errorReported();
      String instrumentation = instrumentationOfType.get(typeName);
      if (instrumentation == null) {
        // Failed before any of our transformers ran (a type we could not even describe): not ours.
        AgentLog.debug("type " + typeName + " could not be matched: " + throwable);
        return;
      }
      if (reportedFailures.add(instrumentation) || AgentLog.isDebug()) {
        AgentLog.warn("instrumentation " + instrumentation + " could not be applied to " + typeName + ": " + throwable);
      }
    }
  }
}
