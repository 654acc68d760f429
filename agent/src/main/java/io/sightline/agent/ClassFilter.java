package io.sightline.agent;

import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.api.ClassFileMatcher;
import io.sightline.instrumentation.api.SuperTypes;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import io.sightline.agent.weave.Weaver;
import io.sightline.instrumentation.api.TypeNames;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BooleanSupplier;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Turns away, before Byte Buddy, the class files that no type instrumentation can match.
 *
 * <p>Each type instrumentation's class-loader check and its type matcher's quick answer ({@link
 * ClassFileMatcher#quickMatch}: a name test, a look at the class file's method table or constants,
 * a super type from class file headers) are asked of every class being loaded; only a class for
 * which one of them does not answer "no" goes on to Byte Buddy, whose own matchers then decide.
 * That is a few percent of what an application loads: the rest used to go through Byte Buddy's
 * matching one by one (a type description, the ignore matcher, every rule), which was most of the
 * transformer's CPU at startup and made that code hot enough for the JIT to compile.
 *
 * <p>A "no" is only ever given where Byte Buddy's matcher would say no too (the contract of {@link
 * ClassFileMatcher}); a matcher that cannot answer quickly makes every class a candidate, as if
 * there were no filter. Classes being retransformed always go to Byte Buddy.
 */
final class ClassFilter {
  private final List<Rule> rules = new ArrayList<>();
  private final ClassHeaders headers;
  private final ClassLoader agentLoader;
  private final AtomicInteger seen = new AtomicInteger();
  private final AtomicInteger passed = new AtomicInteger();

  /** Per loader, the rules whose loader check it passes; the last one asked is kept at hand. */
  private final Map<ClassLoader, ForLoader> byLoader = new WeakHashMap<>();
  private volatile ForLoader bootLoader;
  private volatile ForLoader lastLoader;

  /** One type instrumentation: the loaders it applies to, its type matcher, and its advice. */
  static final class Rule {
    /** The loader check; its answer for a loader is taken to stay the same (it is cached). */
    final ElementMatcher<? super ClassLoader> loaders;
    final ElementMatcher<? super TypeDescription> types;
    /** The instrumentation module's name. */
    final String module;
    final List<Weaver.Advice> advice;
    /** Whether the module is still in use (asked at every match: a module can fail later). */
    final BooleanSupplier active;
    /** Its place in the order of registration: the order the advice is applied in. */
    final int index;

    /** The whole loader check, as Byte Buddy asks it: the module still in use, and the loader. */
    boolean appliesTo(ClassLoader loader) {
      return active.getAsBoolean() && loaders.matches(loader);
    }

    Rule(ElementMatcher<? super ClassLoader> loaders, ElementMatcher<? super TypeDescription> types, String module,
        List<Weaver.Advice> advice, BooleanSupplier active, int index) {
      this.loaders = loaders;
      this.types = types;
      this.module = module;
      this.advice = advice;
      this.active = active;
      this.index = index;
    }
  }

  /**
   * The rules one loader passes the loader check of: those of a type matcher by exact names
   * ({@link TypeNames#exactNames}) by name, the others in a list. A class then costs one look-up
   * and the few other rules, not a loader check and a quick answer for every rule.
   */
  private static final class ForLoader {
    private final WeakReference<ClassLoader> loader;
    private final boolean boot;
    final Map<String, Rule[]> byName = new HashMap<>();
    final Rule[] others;

    ForLoader(ClassLoader loader, List<Rule> rules) {
      this.loader = new WeakReference<>(loader);
      this.boot = loader == null;
      List<Rule> rest = new ArrayList<>();
      for (Rule rule : rules) {
        if (!rule.loaders.matches(loader)) {
          continue;
        }
        Set<String> names = TypeNames.exactNames(rule.types);
        if (names == null) {
          rest.add(rule);
          continue;
        }
        for (String name : names) {
          Rule[] known = byName.get(name);
          Rule[] more = known == null ? new Rule[1] : Arrays.copyOf(known, known.length + 1);
          more[more.length - 1] = rule;
          byName.put(name, more);
        }
      }
      this.others = rest.toArray(new Rule[0]);
    }

    boolean isFor(ClassLoader candidate) {
      return boot ? candidate == null : candidate != null && loader.get() == candidate;
    }
  }

  ClassFilter(ClassHeaders headers, ClassLoader agentLoader) {
    this.headers = headers;
    this.agentLoader = agentLoader;
  }

  void add(ElementMatcher<? super ClassLoader> loaders, ElementMatcher<? super TypeDescription> types) {
    add(loaders, types, "", Collections.emptyList(), () -> true);
  }

  void add(ElementMatcher<? super ClassLoader> loaders, ElementMatcher<? super TypeDescription> types, String module,
      List<Weaver.Advice> advice, BooleanSupplier active) {
    if (!(types instanceof ClassFileMatcher)) {
      AgentLog.debug("class filter: " + types + " cannot answer before Byte Buddy; every class goes on to it");
    }
    synchronized (byLoader) {
      rules.add(new Rule(loaders, types, module, advice, active, rules.size()));
      byLoader.clear();
      bootLoader = null;
      lastLoader = null;
    }
  }

  /** The rules {@code loader} passes the loader check of, worked out once per loader. */
  private ForLoader forLoader(ClassLoader loader) {
    ForLoader last = lastLoader;
    if (last != null && last.isFor(loader)) {
      return last;
    }
    ForLoader found;
    if (loader == null) {
      found = bootLoader;
      if (found == null) {
        bootLoader = found = new ForLoader(null, rules());
      }
    } else {
      synchronized (byLoader) {
        found = byLoader.get(loader);
      }
      if (found == null) {
        // Outside the lock: a loader check may read the loader's resources.
        ForLoader made = new ForLoader(loader, rules());
        synchronized (byLoader) {
          found = byLoader.computeIfAbsent(loader, l -> made);
        }
      }
    }
    lastLoader = found;
    return found;
  }

  List<Rule> rules() {
    synchronized (byLoader) {
      return new ArrayList<>(rules);
    }
  }

  /**
   * The rules that match the class file being loaded (or retransformed), decided from the quick
   * answers alone: empty when none does, null when one of them cannot tell without a type
   * description (the class is then Byte Buddy's to match). A {@link SuperTypes.DeclaresMethod}
   * matcher that cannot tell counts as matching: the weaver's method matchers then decide.
   */
  List<Rule> matching(ClassLoader loader, String internalName, byte[] classFile) {
    if (loader == agentLoader || InstrumentationInstaller.isIgnored(internalName)) {
      return Collections.emptyList();
    }
    seen.incrementAndGet();
    String typeName = internalName.replace('/', '.');
    ForLoader applicable;
    try {
      applicable = forLoader(loader);
    } catch (RuntimeException | LinkageError e) {
      return null; // Byte Buddy decides, and reports what fails
    }
    Rule[] named = applicable.byName.get(typeName);
    List<Rule> matched = Collections.emptyList();
    if (named != null) {
      for (Rule rule : named) {
        if (rule.active.getAsBoolean()) {
          matched = new ArrayList<>(matched);
          matched.add(rule);
        }
      }
    }
    if (applicable.others.length == 0) {
      return matched;
    }
    headers.remember(internalName, classFile, loader);
    try {
      for (Rule rule : applicable.others) {
        if (!rule.active.getAsBoolean()) {
          continue;
        }
        Boolean answer = ClassFileMatcher.quickMatch(rule.types, typeName);
        if (answer == null && !(rule.types instanceof SuperTypes.DeclaresMethod)) {
          passed.incrementAndGet();
          return null;
        }
        // A DeclaresMethod that cannot tell: the advice's method matchers decide (its contract).
        if (answer == null || answer) {
          matched = new ArrayList<>(matched);
          matched.add(rule);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      return null; // Byte Buddy decides, and reports what fails
    } finally {
      headers.forget();
    }
    if (matched.size() > 1) {
      matched.sort(Comparator.comparingInt(rule -> rule.index)); // the advice's order is the rules'
    }
    return matched;
  }

  /**
   * Whether some type instrumentation may match the class file being loaded. When it may, the
   * class file stays at hand for the matchers Byte Buddy then runs (they ask the same questions).
   */
  boolean mayMatch(ClassLoader loader, String internalName, byte[] classFile) {
    if (loader == agentLoader || InstrumentationInstaller.isIgnored(internalName)) {
      return false;
    }
    seen.incrementAndGet();
    String typeName = internalName.replace('/', '.');
    headers.remember(internalName, classFile, loader);
    boolean may = anyRuleMay(loader, typeName);
    if (may) {
      passed.incrementAndGet();
    } else {
      headers.forget();
    }
    return may;
  }

  /**
   * Whether some type instrumentation may match a class already loaded (the install's
   * retransformation, a late attach). Only the loader and the name are asked: with no class file
   * at hand, a matcher that needs one cannot answer "no", so such classes stay candidates.
   */
  boolean mayMatchLoaded(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    if (loader == agentLoader || type.isArray() || type.isPrimitive()) {
      return false;
    }
    String typeName = type.getName();
    if (InstrumentationInstaller.isIgnored(typeName.replace('.', '/'))) {
      return false;
    }
    headers.forget();
    return anyRuleMay(loader, typeName);
  }

  /**
   * Whether some rule does not rule the type out. The loader check comes first, as in Byte Buddy:
   * it is a cached look-up, where a quick answer may read super types through the loader (a
   * servlet matcher in an application without servlets, say).
   */
  private boolean anyRuleMay(ClassLoader loader, String typeName) {
    try {
      ForLoader applicable = forLoader(loader);
      Rule[] named = applicable.byName.get(typeName);
      if (named != null) {
        for (Rule rule : named) {
          if (rule.active.getAsBoolean()) {
            return true;
          }
        }
      }
      for (Rule rule : applicable.others) {
        if (rule.active.getAsBoolean() && !Boolean.FALSE.equals(ClassFileMatcher.quickMatch(rule.types, typeName))) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException | LinkageError e) {
      return true; // Byte Buddy decides, and reports what fails
    }
  }

  /** Byte Buddy's transformer behind this filter. */
  ResettableClassFileTransformer before(ResettableClassFileTransformer byteBuddy) {
    return new ResettableClassFileTransformer.WithDelegation(byteBuddy) {
      @Override
      public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
          byte[] classFile) throws IllegalClassFormatException {
        return redefined == null && name != null && classFile != null && !mayMatch(loader, name, classFile) ? null
            : classFileTransformer.transform(loader, name, redefined, domain, classFile);
      }

      @Override
      public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
          ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
        return redefined == null && name != null && classFile != null && !mayMatch(loader, name, classFile) ? null
            : classFileTransformer.transform(module, loader, name, redefined, domain, classFile);
      }
    };
  }

  /** For the debug report: class files seen, and how many of them went on to Byte Buddy. */
  String report() {
    return passed.get() + " of " + seen.get() + " class files went on to Byte Buddy's matchers";
  }
}
