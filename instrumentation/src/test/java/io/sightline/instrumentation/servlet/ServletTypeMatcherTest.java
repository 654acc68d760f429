package io.sightline.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.api.OneMethodTypes;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/**
 * The servlet matcher asks for {@code doFilter} or {@code service} before it reads super types:
 * a filter or servlet that declares one of the advised methods is always matched, one that
 * declares only other methods (init, destroy, getServletConfig...) is not.
 */
class ServletTypeMatcherTest {
  @Test
  void filtersAndServletsWithAnAdvisedMethodAreMatchedAndOthersAreNot() {
    ServletInstrumentation instrumentation = new ServletInstrumentation("jakarta.servlet", true);
    Set<String> matched = new TreeSet<>();
    int advised = 0;
    for (Class<?> type : new Class<?>[] {Filter.class, Servlet.class}) {
      for (TypeDescription oneMethod : OneMethodTypes.each(type)) {
        boolean matches = instrumentation.typeMatcher().matches(oneMethod);
        if (OneMethodTypes.advised(instrumentation, oneMethod)) {
          advised++;
          assertThat(matches).as(oneMethod.getName() + " has an advised method").isTrue();
        }
        if (matches) {
          matched.add(OneMethodTypes.methodName(oneMethod));
        }
      }
    }
    assertThat(advised).isEqualTo(2);
    assertThat(matched).containsExactly("doFilter", "service");
  }
}
