package io.sightline.instrumentation.api;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Collects the advice classes to apply to the methods of a matched type. */
public interface AdviceTarget {
  /**
   * Applies the advice class, named rather than loaded so that the agent never initialises it,
   * to the matching methods.
   */
  void applyAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClassName);
}
