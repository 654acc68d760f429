package io.sightline.instrumentation.api;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Hierarchy matchers for types that are not known by name (every JDBC driver's statements, every
 * servlet). The answer is that of {@code not(isInterface()).and(hasSuperType(namedOneOf(names)))},
 * but the agent computes it from the headers of the class files (super class and interfaces,
 * remembered per class loader) instead of a full Byte Buddy parse of every class the application
 * loads and of all of their super types, which made these matchers the largest cost of startup
 * after premain (docs/benchmarks.md, "Startup"). Where the agent cannot answer (no class file at
 * hand, a super type it cannot read), Byte Buddy's matcher decides, as before.
 */
public final class SuperTypes {
  /** The agent's fast answer for the class file being transformed on this thread. */
  public interface Resolver {
    /**
     * Whether the type of that name, being loaded, is a class (not an interface) with one of
     * {@code names} among its super types; {@code null} when the resolver cannot tell.
     */
    Boolean isClassBelow(String typeName, Set<String> names);

    /**
     * Whether the type of that name, being loaded, declares a method named one of
     * {@code methodNames}; {@code null} when the resolver cannot tell.
     */
    Boolean declaresMethodNamed(String typeName, Set<String> methodNames);

    /**
     * Whether the class file of the type of that name, being loaded, has the modified UTF-8
     * string {@code text} among its constants (as every class file that uses a type descriptor
     * has it); {@code null} when the resolver cannot tell.
     */
    Boolean hasConstant(String typeName, String text);
  }

  private static volatile Resolver resolver;

  private SuperTypes() {}

  /** Called once by the agent, before any type is matched. */
  public static void setResolver(Resolver agentResolver) {
    resolver = agentResolver;
  }

  /** Classes (abstract ones included, interfaces not) that extend or implement one of {@code names}. */
  public static ElementMatcher.Junction<TypeDescription> classBelow(String... names) {
    return new ClassBelow(Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names))));
  }

  /**
   * Types that declare a method named one of {@code methodNames}: the answer of {@code
   * declaresMethod(namedOneOf(methodNames))}, read from the method table of the class file being
   * loaded. Put before {@link #classBelow} when the advice only goes into methods of those names:
   * a type that declares none of them would not be changed by the transformation, so its super
   * types need not be read at all.
   */
  public static ElementMatcher.Junction<TypeDescription> declaresMethodNamed(String... methodNames) {
    return new DeclaresMethodNamed(Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(methodNames))));
  }

  /**
   * Types that declare a method matched by {@code methods}, which only matches methods annotated
   * with the annotation type {@code annotationName}: {@code declaresMethod(methods)}, but a class
   * file that does not even name the annotation's type among its constants is answered from that
   * alone, before the type is described.
   */
  public static ElementMatcher.Junction<TypeDescription> declaresMethodAnnotated(String annotationName,
      ElementMatcher<? super MethodDescription> methods) {
    return new MentionsType(annotationName, methods);
  }

  /**
   * A type matcher that means "declares a method that {@link #methods} matches", used only where
   * the advice goes into no other methods. When it cannot answer quickly, the agent's weaver may
   * weave the class anyway: a class none of whose methods match is left as it is, which is what
   * the type matcher's "no" would have done.
   */
  public interface DeclaresMethod {
    ElementMatcher<? super MethodDescription> methods();
  }

  /** The agent's answer when it has one, Byte Buddy's matcher otherwise. */
  private abstract static class Resolved extends ClassFileMatcher {
    final Set<String> names;
    private final ElementMatcher<TypeDescription> fallback;
    private final String description;

    Resolved(Set<String> names, ElementMatcher<TypeDescription> fallback, String description) {
      this.names = names;
      this.fallback = fallback;
      this.description = description + "(" + names + ")";
    }

    /** The resolver's answer for the type being loaded; null when it cannot tell. */
    abstract Boolean resolve(Resolver resolver, String typeName);

    @Override
    public boolean matches(TypeDescription type) {
      Boolean answer = quickMatch(type.getName());
      return answer != null ? answer : fallback.matches(type);
    }

    @Override
    public Boolean quickMatch(String typeName) {
      Resolver current = resolver;
      return current == null ? null : resolve(current, typeName);
    }

    @Override
    public String toString() {
      return description;
    }
  }

  private static final class DeclaresMethodNamed extends Resolved {
    DeclaresMethodNamed(Set<String> methodNames) {
      super(methodNames, declaresMethod(namedOneOf(methodNames.toArray(new String[0]))), "declaresMethodNamed");
    }

    @Override
    Boolean resolve(Resolver resolver, String typeName) {
      return resolver.declaresMethodNamed(typeName, names);
    }
  }

  /** False for a class file without the type's descriptor among its constants; Byte Buddy's matcher otherwise. */
  private static final class MentionsType extends Resolved implements DeclaresMethod {
    private final String descriptor;
    private final ElementMatcher<? super MethodDescription> methods;

    MentionsType(String typeName, ElementMatcher<? super MethodDescription> methods) {
      super(Collections.singleton(typeName), declaresMethod(methods), "mentionsType");
      this.descriptor = "L" + typeName.replace('.', '/') + ";";
      this.methods = methods;
    }

    @Override
    public ElementMatcher<? super MethodDescription> methods() {
      return methods;
    }

    @Override
    Boolean resolve(Resolver resolver, String typeName) {
      Boolean mentioned = resolver.hasConstant(typeName, descriptor);
      return Boolean.FALSE.equals(mentioned) ? Boolean.FALSE : null;
    }
  }

  private static final class ClassBelow extends Resolved {
    ClassBelow(Set<String> names) {
      super(names, not(isInterface()).and(hasSuperType(namedOneOf(names.toArray(new String[0])))), "classBelow");
    }

    @Override
    Boolean resolve(Resolver resolver, String typeName) {
      return resolver.isClassBelow(typeName, names);
    }
  }
}
