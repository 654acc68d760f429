package io.sightline.instrumentation.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Method matchers for advice ({@link MethodMatcher}): the agent's weaver asks them about a class
 * file's methods as they are. Each means what Byte Buddy's {@code ElementMatchers} method of the
 * same name means; types are given by binary name ({@code java.lang.String}, {@code long},
 * {@code java.lang.String[]}) or by a class the agent can see (a JDK class, a primitive).
 */
public final class Methods {
  private Methods() {}

  /** Methods of this name (never a constructor or type initializer). */
  public static MethodMatcher named(String name) {
    return namedOneOf(name);
  }

  /** Methods of one of these names. */
  public static MethodMatcher namedOneOf(String... names) {
    Set<String> set = new HashSet<>(Arrays.asList(names));
    return MethodMatcher.of("namedOneOf" + Arrays.toString(names),
        method -> set.contains(MethodMatcher.actualName(method)));
  }

  /** Methods whose name starts with {@code prefix}. */
  public static MethodMatcher nameStartsWith(String prefix) {
    return MethodMatcher.of("nameStartsWith(" + prefix + ")",
        method -> MethodMatcher.actualName(method).startsWith(prefix));
  }

  /** Methods whose name ends with {@code suffix}. */
  public static MethodMatcher nameEndsWith(String suffix) {
    return MethodMatcher.of("nameEndsWith(" + suffix + ")",
        method -> MethodMatcher.actualName(method).endsWith(suffix));
  }

  /** Constructors. */
  public static MethodMatcher isConstructor() {
    return MethodMatcher.of("isConstructor()", method -> method.internalName().equals("<init>"));
  }

  /** Methods that are neither constructors nor type initializers. */
  public static MethodMatcher isMethod() {
    return MethodMatcher.of("isMethod()", method -> !method.internalName().startsWith("<"));
  }

  public static MethodMatcher isStatic() {
    return modifier(Opcodes.ACC_STATIC, "isStatic()");
  }

  public static MethodMatcher isPublic() {
    return modifier(Opcodes.ACC_PUBLIC, "isPublic()");
  }

  public static MethodMatcher isAbstract() {
    return modifier(Opcodes.ACC_ABSTRACT, "isAbstract()");
  }

  private static MethodMatcher modifier(int flag, String description) {
    return MethodMatcher.of(description, method -> (method.modifiers() & flag) != 0);
  }

  /** Whatever {@code matcher} does not match. */
  public static MethodMatcher not(MethodMatcher matcher) {
    return MethodMatcher.of("not(" + matcher + ")", method -> !matcher.matches(method));
  }

  /** Methods with exactly {@code count} parameters. */
  public static MethodMatcher takesArguments(int count) {
    return MethodMatcher.of("takesArguments(" + count + ")",
        method -> MethodMatcher.parameters(method.descriptor()).size() == count);
  }

  /** Methods whose parameters are exactly these types (erasures). */
  public static MethodMatcher takesArguments(Class<?>... types) {
    String[] expected = new String[types.length];
    for (int i = 0; i < types.length; i++) {
      expected[i] = descriptor(types[i]);
    }
    List<String> parameters = Arrays.asList(expected);
    return MethodMatcher.of("takesArguments" + Arrays.toString(types),
        method -> MethodMatcher.parameters(method.descriptor()).equals(parameters));
  }

  /** Methods whose parameter at {@code index} is of this type (erasure). */
  public static MethodMatcher takesArgument(int index, Class<?> type) {
    return takesArgument(index, Collections.singleton(descriptor(type)), type.getName());
  }

  /** Methods whose parameter at {@code index} is of one of these types (binary names), by erasure. */
  public static MethodMatcher takesArgument(int index, String... typeNames) {
    Set<String> expected = new HashSet<>();
    for (String typeName : typeNames) {
      expected.add(descriptor(typeName));
    }
    return takesArgument(index, expected, Arrays.toString(typeNames));
  }

  private static MethodMatcher takesArgument(int index, Set<String> descriptors, String description) {
    return MethodMatcher.of("takesArgument(" + index + ", " + description + ")", method -> {
      List<String> parameters = MethodMatcher.parameters(method.descriptor());
      return index < parameters.size() && descriptors.contains(parameters.get(index));
    });
  }

  /** Methods declared by the class of this binary name. */
  public static MethodMatcher isDeclaredBy(String typeName) {
    return MethodMatcher.of("isDeclaredBy(" + typeName + ")", method -> method.declaringTypeName().equals(typeName));
  }

  /** Methods that declare an annotation of this type (binary name). */
  public static MethodMatcher isAnnotatedWith(String annotationTypeName) {
    return MethodMatcher.of("isAnnotatedWith(" + annotationTypeName + ")",
        method -> method.isAnnotatedWith(annotationTypeName));
  }

  /** The field descriptor of a class the agent can see. */
  static String descriptor(Class<?> type) {
    return type.isArray() ? type.getName().replace('.', '/') : descriptor(type.getName());
  }

  /** The field descriptor of a type given by binary name, {@code int} or {@code a.B[]}. */
  static String descriptor(String typeName) {
    if (typeName.endsWith("[]")) {
      return "[" + descriptor(typeName.substring(0, typeName.length() - 2));
    }
    switch (typeName) {
      case "boolean": return "Z";
      case "byte": return "B";
      case "char": return "C";
      case "short": return "S";
      case "int": return "I";
      case "long": return "J";
      case "float": return "F";
      case "double": return "D";
      case "void": return "V";
      default: return "L" + typeName.replace('.', '/') + ";";
    }
  }
}
