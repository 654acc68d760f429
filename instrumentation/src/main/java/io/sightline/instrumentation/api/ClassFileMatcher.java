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

  @SuppressWarnings("unchecked")
  @Override
  public <U extends TypeDescription> Junction<U> and(ElementMatcher<? super U> other) {
    return (Junction<U>) (Junction<?>) new Combined(true, this, (ElementMatcher<? super TypeDescription>) other);
  }

  @SuppressWarnings("unchecked")
  @Override
  public <U extends TypeDescription> Junction<U> or(ElementMatcher<? super U> other) {
    return (Junction<U>) (Junction<?>) new Combined(false, this, (ElementMatcher<? super TypeDescription>) other);
  }

  /**
   * Two matchers, both of which ({@code all}) or either of which must match. The quick answer is
   * decided by one side alone when that side's answer settles it (a "no" for both, a "yes" for
   * either), so the other side, often a hierarchy question, is not asked; otherwise it needs both
   * sides' quick answers.
   */
  private static final class Combined extends ClassFileMatcher {
    private final boolean all;
    private final ElementMatcher<? super TypeDescription> left;
    private final ElementMatcher<? super TypeDescription> right;

    Combined(boolean all, ElementMatcher<? super TypeDescription> left, ElementMatcher<? super TypeDescription> right) {
      this.all = all;
      this.left = left;
      this.right = right;
    }

    @Override
    public boolean matches(TypeDescription type) {
      return all ? left.matches(type) && right.matches(type) : left.matches(type) || right.matches(type);
    }

    @Override
    public Boolean quickMatch(String typeName) {
      Boolean settles = !all; // no settles "both", yes settles "either"
      Boolean first = quickMatch(left, typeName);
      if (settles.equals(first)) {
        return settles;
      }
      Boolean second = quickMatch(right, typeName);
      if (settles.equals(second)) {
        return settles;
      }
      return first != null && second != null ? (Boolean) all : null;
    }

    @Override
    public String toString() {
      return "(" + left + (all ? " and " : " or ") + right + ")";
    }
  }
}
