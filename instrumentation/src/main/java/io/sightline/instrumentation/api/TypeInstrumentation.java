package io.sightline.instrumentation.api;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** The advice applied to one target type (or a family of types found by one matcher). */
public interface TypeInstrumentation {
  /** Name matchers first; hierarchy matchers, which parse class files, last. */
  ElementMatcher<TypeDescription> typeMatcher();

  void transform(AdviceTarget target);
}
