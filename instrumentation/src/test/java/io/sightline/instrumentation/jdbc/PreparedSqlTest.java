package io.sightline.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.jdbc.JdbcTelemetry.PreparedSql;
import org.junit.jupiter.api.Test;

class PreparedSqlTest {
  @Test
  void theSqlIsDescribedAtTheFirstExecutionAndOnlyOnce() {
    PreparedSql prepared = new PreparedSql("SELECT name FROM items WHERE id = 42", DbInfo.UNKNOWN);
    SqlSanitizer sanitizer = new SqlSanitizer(false, SqlSanitizer.Backslash.PLAIN, true);

    SqlStatementInfo first = prepared.describe(sanitizer);

    assertThat(first.queryText()).isEqualTo("SELECT name FROM items WHERE id = ?");
    assertThat(first.operation()).isEqualTo("SELECT");
    assertThat(prepared.describe(sanitizer)).isSameAs(first);
  }
}
