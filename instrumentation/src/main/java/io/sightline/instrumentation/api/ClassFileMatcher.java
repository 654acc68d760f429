package io.sightline.instrumentation.api;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * A type matcher that can usually answer from the name of the class being loaded and its class
 * file alone, before Byte Buddy describes the type. The agent asks every type instrumentation's
 * matcher this way first and hands a class to Byte Buddy only when one of them does not answer
 * {@code false}: most classes an application loads are turned away by a name test or a look at
 * their method table, and never reach Byte Buddy's matching (docs/design.md, "Classes no
 * instrumentation can match").
 *
 * <p>The contract is one-sided: {@link #quickMatch} may answer {@code false} only where {@link
 * #matches} would, for the class file being loaded. {@code true} or {@code null} ("a type
 * description is needed") only send the class on to Byte Buddy, whose matcher decides.
 *
 * <p>Combining two of these with {@code and} or {@code or} keeps the quick answer; combining one
 * with any other matcher gives a matcher whose quick answer is whatever the parts decide.
 */
public abstract class ClassFileMatcher extends ElementMatcher.Junction.AbstractBase<TypeDescription> {
  /**
   * Whether the class of this binary name, whose class file is being loaded on this thread, is
   * matched: {@code TRUE} or {@code FALSE} when the name and that class file decide, {@code null}
   * when only a type description can.
   */
  public abstract Boolean quickMatch(String typeName);

  /** The quick answer of any matcher: null (cannot tell) for one that is not a {@code ClassFileMatcher}. */
  public static Boolean quickMatch(ElementMatcher<?> matcher, String typeName) {
    return matcher instanceof ClassFileMatcher ? ((ClassFileMatcher) matcher).quickMatch(typeName) : null;
  }

  /** A matcher that only answers quickly through {@code matcher}'s own answer, if any. */
  @SuppressWarnings("unchecked")
  @Override
  public <U extends TypeDescription> Junction<U> and(ElementMatcher<? super U> other) {
    return (Junction<U>) (Junction<?>) new Both(this, (ElementMatcher<? super TypeDescription>) other);
  }

  @SuppressWarnings("unchecked")
  @Override
  public <U extends TypeDescription> Junction<U> or(ElementMatcher<? super U> other) {
    return (Junction<U>) (Junction<?>) new Either(this, (ElementMatcher<? super TypeDescription>) other);
  }

  private static final class Both extends ClassFileMatcher {
    private final ElementMatcher<? super TypeDescription> left;
    private final ElementMatcher<? super TypeDescription> right;

    Both(ElementMatcher<? super TypeDescription> left, ElementMatcher<? super TypeDescription> right) {
      this.left = left;
      this.right = right;
    }

    @Override
    public boolean matches(TypeDescription type) {
      return left.matches(type) && right.matches(type);
    }

    @Override
    public Boolean quickMatch(String typeName) {
      Boolean first = quickMatch(left, typeName);
      if (Boolean.FALSE.equals(first)) {
        return false; // the right side, often a hierarchy question, is not asked
      }
      Boolean second = quickMatch(right, typeName);
      if (Boolean.FALSE.equals(second)) {
        return false;
      }
      return first != null && second != null ? Boolean.TRUE : null;
    }

    @Override
    public String toString() {
      return "(" + left + " and " + right + ")";
    }
  }

  private static final class Either extends ClassFileMatcher {
    private final ElementMatcher<? super TypeDescription> left;
    private final ElementMatcher<? super TypeDescription> right;

    Either(ElementMatcher<? super TypeDescription> left, ElementMatcher<? super TypeDescription> right) {
      this.left = left;
      this.right = right;
    }

    @Override
    public boolean matches(TypeDescription type) {
      return left.matches(type) || right.matches(type);
    }

    @Override
    public Boolean quickMatch(String typeName) {
      Boolean first = quickMatch(left, typeName);
      if (Boolean.TRUE.equals(first)) {
        return true;
      }
      Boolean second = quickMatch(right, typeName);
      if (Boolean.TRUE.equals(second)) {
        return true;
      }
      return first != null && second != null ? Boolean.FALSE : null;
    }

    @Override
    public String toString() {
      return "(" + left + " or " + right + ")";
    }
  }
}
