package io.sightline.instrumentation.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Type matchers by binary name ({@code a.b.C$D}) that answer before Byte Buddy describes the type
 * ({@link ClassFileMatcher}). Use these, not {@code ElementMatchers.named}, for a type
 * instrumentation's type matcher: with Byte Buddy's own, every class the application loads would
 * go through Byte Buddy's matching.
 */
public final class TypeNames {
  private TypeNames() {}

  /** The type of exactly this name. */
  public static ClassFileMatcher named(String name) {
    return namedOneOf(name);
  }

  /** The types of exactly these names. */
  public static ClassFileMatcher namedOneOf(String... names) {
    return new ExactNames(Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names))));
  }

  /**
   * The names a {@link #named} or {@link #namedOneOf} matcher matches, null for any other matcher:
   * the agent looks such rules up by the name of the class being loaded instead of asking each.
   */
  public static Set<String> exactNames(Object matcher) {
    return matcher instanceof ExactNames ? ((ExactNames) matcher).names : null;
  }

  private static final class ExactNames extends ByName {
    final Set<String> names;

    ExactNames(Set<String> names) {
      super("namedOneOf" + names);
      this.names = names;
    }

    @Override
    boolean test(String typeName) {
      return names.contains(typeName);
    }
  }

  /** Types whose name starts with one of {@code prefixes}. */
  public static ClassFileMatcher nameStartsWith(String... prefixes) {
    String[] copy = prefixes.clone();
    return new ByName("nameStartsWith" + Arrays.toString(copy)) {
      @Override
      boolean test(String typeName) {
        return startsWithAny(typeName, copy);
      }
    };
  }

  /** Types whose name starts with none of {@code prefixes}. */
  public static ClassFileMatcher nameStartsWithNone(String... prefixes) {
    String[] copy = prefixes.clone();
    return new ByName("nameStartsWithNone" + Arrays.toString(copy)) {
      @Override
      boolean test(String typeName) {
        return !startsWithAny(typeName, copy);
      }
    };
  }

  private static boolean startsWithAny(String name, String[] prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** A test of the name alone: the quick answer is always the answer. */
  private abstract static class ByName extends ClassFileMatcher {
    private final String description;

    ByName(String description) {
      this.description = description;
    }

    abstract boolean test(String typeName);

    @Override
    public boolean matches(TypeDescription type) {
      return test(type.getName());
    }

    @Override
    public Boolean quickMatch(String typeName) {
      return test(typeName);
    }

    @Override
    public String toString() {
      return description;
    }
  }
}
