package io.sightline.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

class ClassFileMatcherTest {
  private static final String POOL = "java.util.concurrent.ThreadPoolExecutor";
  private static final ElementMatcher<TypeDescription> UNKNOWN_YES = ElementMatchers.any();
  private static final ElementMatcher<TypeDescription> UNKNOWN_NO = ElementMatchers.none();

  @Test
  void namesAnswerQuicklyAndAsTheyMatch() {
    TypeDescription pool = TypeDescription.ForLoadedType.of(java.util.concurrent.ThreadPoolExecutor.class);
    TypeDescription string = TypeDescription.ForLoadedType.of(String.class);
    ClassFileMatcher[] matchers = {TypeNames.named(POOL), TypeNames.namedOneOf("a.B", POOL),
        TypeNames.nameStartsWith("java.util.concurrent.Thread"), TypeNames.nameStartsWithNone("java.lang.", "sun.")};
    for (ClassFileMatcher matcher : matchers) {
      assertThat(matcher.quickMatch(POOL)).as(matcher.toString()).isTrue();
      assertThat(matcher.matches(pool)).as(matcher.toString()).isTrue();
      assertThat(matcher.quickMatch(String.class.getName())).as(matcher.toString()).isFalse();
      assertThat(matcher.matches(string)).as(matcher.toString()).isFalse();
    }
    assertThat(TypeNames.named(POOL).quickMatch(POOL + "$Worker")).isFalse();
  }

  @Test
  void andOrKeepAQuickAnswerWhereThePartsGiveOne() {
    ClassFileMatcher yes = TypeNames.named(POOL);
    ClassFileMatcher no = TypeNames.named("a.B");

    assertThat(quick(yes.and(yes))).isTrue();
    assertThat(quick(yes.and(no))).isFalse();
    assertThat(quick(no.and(UNKNOWN_YES))).as("no, whatever the other side").isFalse();
    assertThat(quick(yes.and(UNKNOWN_NO))).as("the other side needs a description").isNull();
    assertThat(quick(yes.and(UNKNOWN_YES).and(no))).isFalse();

    assertThat(quick(no.or(no))).isFalse();
    assertThat(quick(no.or(yes))).isTrue();
    assertThat(quick(yes.or(UNKNOWN_NO))).as("yes, whatever the other side").isTrue();
    assertThat(quick(no.or(UNKNOWN_NO))).isNull();

    TypeDescription pool = TypeDescription.ForLoadedType.of(java.util.concurrent.ThreadPoolExecutor.class);
    assertThat(yes.and(UNKNOWN_NO).matches(pool)).isFalse();
    assertThat(no.or(UNKNOWN_YES).matches(pool)).isTrue();
    assertThat(ClassFileMatcher.quickMatch(UNKNOWN_YES, POOL)).as("not a ClassFileMatcher").isNull();
  }

  private static Boolean quick(ElementMatcher<TypeDescription> matcher) {
    return ClassFileMatcher.quickMatch(matcher, POOL);
  }
}
