package io.sightline.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.api.OneMethodTypes;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import org.junit.jupiter.api.Test;

/**
 * The servlet matcher asks for {@code doFilter} or {@code service} before it reads super types:
 * a filter or servlet that declares one of the advised methods is always matched, one that
 * declares only other methods (init, destroy, getServletConfig...) is not.
 */
class ServletTypeMatcherTest {
  @Test
  void filtersAndServletsWithAnAdvisedMethodAreMatchedAndOthersAreNot() {
    assertThat(OneMethodTypes.matchedMethodNames(new ServletInstrumentation("jakarta.servlet", true), Filter.class,
        Servlet.class)).containsExactly("doFilter", "service");
  }
}
