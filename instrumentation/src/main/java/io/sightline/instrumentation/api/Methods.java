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
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return set.contains(actualName(method));
      }

      @Override
      public String toString() {
        return "namedOneOf" + Arrays.toString(names);
      }
    };
  }

  /** Methods whose name starts with {@code prefix}. */
  public static MethodMatcher nameStartsWith(String prefix) {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return actualName(method).startsWith(prefix);
      }

      @Override
      public String toString() {
        return "nameStartsWith(" + prefix + ")";
      }
    };
  }

  /** Methods whose name ends with {@code suffix}. */
  public static MethodMatcher nameEndsWith(String suffix) {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return actualName(method).endsWith(suffix);
      }

      @Override
      public String toString() {
        return "nameEndsWith(" + suffix + ")";
      }
    };
  }

  /** Constructors. */
  public static MethodMatcher isConstructor() {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return method.internalName().equals("<init>");
      }

      @Override
      public String toString() {
        return "isConstructor()";
      }
    };
  }

  /** Methods that are neither constructors nor type initializers. */
  public static MethodMatcher isMethod() {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return !method.internalName().startsWith("<");
      }

      @Override
      public String toString() {
        return "isMethod()";
      }
    };
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
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return (method.modifiers() & flag) != 0;
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }

  /** Whatever {@code matcher} does not match. */
  public static MethodMatcher not(MethodMatcher matcher) {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return !matcher.matches(method);
      }

      @Override
      public String toString() {
        return "not(" + matcher + ")";
      }
    };
  }

  /** Methods with exactly {@code count} parameters. */
  public static MethodMatcher takesArguments(int count) {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return parameters(method.descriptor()).size() == count;
      }

      @Override
      public String toString() {
        return "takesArguments(" + count + ")";
      }
    };
  }

  /** Methods whose parameters are exactly these types (erasures). */
  public static MethodMatcher takesArguments(Class<?>... types) {
    String[] expected = new String[types.length];
    for (int i = 0; i < types.length; i++) {
      expected[i] = descriptor(types[i]);
    }
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return parameters(method.descriptor()).equals(Arrays.asList(expected));
      }

      @Override
      public String toString() {
        return "takesArguments" + Arrays.toString(types);
      }
    };
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
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        List<String> parameters = parameters(method.descriptor());
        return index < parameters.size() && descriptors.contains(parameters.get(index));
      }

      @Override
      public String toString() {
        return "takesArgument(" + index + ", " + description + ")";
      }
    };
  }

  /** Methods declared by the class of this binary name. */
  public static MethodMatcher isDeclaredBy(String typeName) {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return method.declaringTypeName().equals(typeName);
      }

      @Override
      public String toString() {
        return "isDeclaredBy(" + typeName + ")";
      }
    };
  }

  /** Methods that declare an annotation of this type (binary name). */
  public static MethodMatcher isAnnotatedWith(String annotationTypeName) {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return method.isAnnotatedWith(annotationTypeName);
      }

      @Override
      public String toString() {
        return "isAnnotatedWith(" + annotationTypeName + ")";
      }
    };
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
