package io.sightline.instrumentation.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * A method matcher that decides from what a class file's method entry says: its modifiers, name,
 * descriptor, declaring class and annotation types ({@link Candidate}). The agent's weaver asks it
 * about the methods of a class file as they are, without building Byte Buddy's type descriptions
 * (whose first use initialises much of Byte Buddy's type model, tens of milliseconds at startup);
 * Byte Buddy asks it through {@link #matches(MethodDescription)}, with the same answers.
 *
 * <p>Build them with {@link Methods}. Combined with {@code and}, {@code or} or {@link Methods#not}
 * they stay this kind of matcher; combined with any other Byte Buddy matcher they become a Byte
 * Buddy matcher, which the weaver asks about a type description instead.
 */
public abstract class MethodMatcher extends ElementMatcher.Junction.AbstractBase<MethodDescription> {
  /** What a method matcher is asked about: a method as its class file declares it. */
  public interface Candidate {
    /** The access flags of the method entry. */
    int modifiers();

    /** {@code <init>} for a constructor, {@code <clinit>} for a type initializer. */
    String internalName();

    /** The method descriptor, {@code (Ljava/lang/String;I)V}. */
    String descriptor();

    /** The binary name of the declaring class, {@code a.b.C$D}. */
    String declaringTypeName();

    /** Whether the method declares an annotation of this type (binary name). */
    boolean isAnnotatedWith(String annotationTypeName);
  }

  /** A method entry as a class file declares it (ASM's view of it): what the agent's weaver asks about. */
  public static class ClassFileMethod implements Candidate {
    private final String ownerInternalName;
    public final int access;
    public final String name;
    public final String descriptor;
    /** The descriptors of its visible annotations' types, {@code Ljava/lang/Deprecated;}. */
    public final List<String> annotations = new ArrayList<>(0);

    public ClassFileMethod(String ownerInternalName, int access, String name, String descriptor) {
      this.ownerInternalName = ownerInternalName;
      this.access = access;
      this.name = name;
      this.descriptor = descriptor;
    }

    @Override
    public int modifiers() {
      return access & 0xFFFF; // the JVM's flags, less ASM's own, as Byte Buddy reads them
    }

    @Override
    public String internalName() {
      return name;
    }

    @Override
    public String descriptor() {
      return descriptor;
    }

    @Override
    public String declaringTypeName() {
      return ownerInternalName.replace('/', '.');
    }

    @Override
    public boolean isAnnotatedWith(String annotationTypeName) {
      return annotations.contains("L" + annotationTypeName.replace('.', '/') + ";");
    }
  }

  /** Whether the method matches. */
  public abstract boolean matches(Candidate method);

  /** Byte Buddy's question, answered the same way from the description. */
  @Override
  public final boolean matches(MethodDescription target) {
    return target != null && matches(new Described(target));
  }

  /** Both must match. */
  public MethodMatcher and(MethodMatcher other) {
    return of("(" + this + " and " + other + ")", method -> matches(method) && other.matches(method));
  }

  /** Either must match. */
  public MethodMatcher or(MethodMatcher other) {
    return of("(" + this + " or " + other + ")", method -> matches(method) || other.matches(method));
  }

  /** The matcher that {@code test} decides, shown as {@code description}. */
  static MethodMatcher of(String description, Predicate<Candidate> test) {
    return new MethodMatcher() {
      @Override
      public boolean matches(Candidate method) {
        return test.test(method);
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }

  /** The name Byte Buddy's name matchers compare: empty for constructors and type initializers. */
  static String actualName(Candidate method) {
    String name = method.internalName();
    return name.startsWith("<") ? "" : name;
  }

  /** The descriptors of the method's parameters, in order. */
  static List<String> parameters(String methodDescriptor) {
    List<String> parameters = new ArrayList<>(4);
    int i = 1;
    while (methodDescriptor.charAt(i) != ')') {
      int start = i;
      while (methodDescriptor.charAt(i) == '[') {
        i++;
      }
      i = methodDescriptor.charAt(i) == 'L' ? methodDescriptor.indexOf(';', i) + 1 : i + 1;
      parameters.add(methodDescriptor.substring(start, i));
    }
    return parameters;
  }

  /** A Byte Buddy method description, asked the candidate's questions. */
  private static final class Described implements Candidate {
    private final MethodDescription method;

    Described(MethodDescription method) {
      this.method = method;
    }

    @Override
    public int modifiers() {
      return method.getModifiers();
    }

    @Override
    public String internalName() {
      return method.getInternalName();
    }

    @Override
    public String descriptor() {
      return method.getDescriptor();
    }

    @Override
    public String declaringTypeName() {
      return method.getDeclaringType().asErasure().getName();
    }

    @Override
    public boolean isAnnotatedWith(String annotationTypeName) {
      for (AnnotationDescription annotation : method.getDeclaredAnnotations()) {
        if (annotation.getAnnotationType().getName().equals(annotationTypeName)) {
          return true;
        }
      }
      return false;
    }
  }
}
