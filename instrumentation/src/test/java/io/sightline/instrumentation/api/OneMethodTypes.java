package io.sightline.instrumentation.api;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.TypeManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.StubMethod;
import net.bytebuddy.matcher.ElementMatcher;
import org.assertj.core.api.Assertions;

/**
 * Types that implement an interface and declare exactly one of its methods, described without
 * being loaded: to check that a type matcher never rejects a type whose methods the same
 * instrumentation would give advice to.
 */
public final class OneMethodTypes {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private OneMethodTypes() {}

  /** One abstract class per public method of {@code type}, implementing it and declaring that method only. */
  public static List<TypeDescription> each(Class<?> type) {
    List<TypeDescription> types = new ArrayList<>();
    for (Method method : type.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
        continue;
      }
      types.add(new ByteBuddy()
          .subclass(Object.class)
          .implement(type)
          .name("test.generated.OneMethod" + COUNTER.incrementAndGet() + "_" + method.getName())
          .modifiers(Visibility.PUBLIC, TypeManifestation.ABSTRACT)
          .defineMethod(method.getName(), method.getReturnType(), Visibility.PUBLIC)
          .withParameters(method.getParameterTypes())
          .throwing(method.getExceptionTypes())
          .intercept(StubMethod.INSTANCE)
          .make()
          .getTypeDescription());
    }
    return types;
  }

  /** Whether {@code instrumentation} would give advice to one of the methods {@code type} declares. */
  public static boolean advised(TypeInstrumentation instrumentation, TypeDescription type) {
    List<ElementMatcher<? super MethodDescription>> matchers = new ArrayList<>();
    instrumentation.transform((methods, adviceClassName) -> matchers.add(methods));
    for (MethodDescription method : type.getDeclaredMethods()) {
      for (ElementMatcher<? super MethodDescription> matcher : matchers) {
        if (matcher.matches(method)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Checks, for one-method classes of every method of {@code types}, that the type matcher accepts
   * each class whose method the instrumentation would advise (and that there is at least one);
   * returns the names of the methods whose classes it accepts.
   */
  public static Set<String> matchedMethodNames(TypeInstrumentation instrumentation, Class<?>... types) {
    Set<String> matched = new TreeSet<>();
    int advised = 0;
    for (Class<?> type : types) {
      for (TypeDescription oneMethod : each(type)) {
        boolean matches = instrumentation.typeMatcher().matches(oneMethod);
        if (advised(instrumentation, oneMethod)) {
          advised++;
          Assertions.assertThat(matches).as(oneMethod.getName() + " has an advised method").isTrue();
        }
        if (matches) {
          matched.add(methodName(oneMethod));
        }
      }
    }
    Assertions.assertThat(advised).as("advised one-method classes").isPositive();
    return matched;
  }

  /** The name of the one method {@code type} declares. */
  public static String methodName(TypeDescription type) {
    return type.getDeclaredMethods().filter(m -> m.isMethod()).getOnly().getName();
  }
}
