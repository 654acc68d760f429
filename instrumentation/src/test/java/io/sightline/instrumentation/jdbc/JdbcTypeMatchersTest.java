package io.sightline.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.api.OneMethodTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/**
 * The statement and connection matchers skip a class that declares no method their advice goes
 * into, without reading its super types. Here, against every method of the JDBC interfaces: a
 * class that declares an advised method is always matched, and one that declares only methods of
 * other names is not.
 */
class JdbcTypeMatchersTest {
  @Test
  void statementsWithAnAdvisedMethodAreMatchedAndOthersAreNot() {
    Set<String> matched = check(new JdbcStatementInstrumentation(), CallableStatement.class);
    assertThat(matched).containsExactly("addBatch", "clearBatch", "close", "execute", "executeBatch",
        "executeLargeBatch", "executeLargeUpdate", "executeQuery", "executeUpdate");
  }

  @Test
  void connectionsWithAPrepareMethodAreMatchedAndOthersAreNot() {
    Set<String> matched = check(new JdbcConnectionInstrumentation(), Connection.class);
    assertThat(matched).containsExactly("prepareCall", "prepareStatement");
  }

  /** The names of the methods whose one-method class the type matcher accepts. */
  private static Set<String> check(TypeInstrumentation instrumentation, Class<?> type) {
    Set<String> matched = new TreeSet<>();
    int advised = 0;
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
    assertThat(advised).isPositive();
    return matched;
  }
}
