package io.sightline.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.api.OneMethodTypes;
import java.sql.CallableStatement;
import java.sql.Connection;
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
    assertThat(OneMethodTypes.matchedMethodNames(new JdbcStatementInstrumentation(), CallableStatement.class))
        .containsExactly("addBatch", "clearBatch", "close", "execute", "executeBatch", "executeLargeBatch",
            "executeLargeUpdate", "executeQuery", "executeUpdate");
  }

  @Test
  void connectionsWithAPrepareMethodAreMatchedAndOthersAreNot() {
    assertThat(OneMethodTypes.matchedMethodNames(new JdbcConnectionInstrumentation(), Connection.class))
        .containsExactly("prepareCall", "prepareStatement");
  }
}
