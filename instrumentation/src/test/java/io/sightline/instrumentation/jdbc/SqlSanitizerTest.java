package io.sightline.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlSanitizerTest {
  private final SqlSanitizer ansi = new SqlSanitizer(false, SqlSanitizer.Backslash.PLAIN, true);
  private final SqlSanitizer mysql = new SqlSanitizer(true, SqlSanitizer.Backslash.ESCAPES, true);
  private final SqlSanitizer unknown = new SqlSanitizer(false, SqlSanitizer.Backslash.EITHER, true);

  /** sql | sanitised text | operation | collection (empty = none). */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', emptyValue = "", nullValues = "<null>", value = {
      // plain statements
      "SELECT * FROM users WHERE id = 98765|SELECT * FROM users WHERE id = ?|SELECT|users",
      "select name from orders where note = 'secret-literal-123'|select name from orders where note = ?|SELECT|orders",
      "SELECT a, b FROM t|SELECT a, b FROM t|SELECT|t",
      "SELECT 1|SELECT ?|SELECT|<null>",
      "SELECT pg_sleep(0.5)|SELECT pg_sleep(?)|SELECT|<null>",
      "INSERT INTO orders (id, note) VALUES (1, 'x')|INSERT INTO orders (id, note) VALUES (?, ?)|INSERT|orders",
      "insert into orders values (?, ?)|insert into orders values (?, ?)|INSERT|orders",
      "UPDATE orders SET total = 10.5 WHERE id = 3|UPDATE orders SET total = ? WHERE id = ?|UPDATE|orders",
      "DELETE FROM orders WHERE id = 7|DELETE FROM orders WHERE id = ?|DELETE|orders",
      "MERGE INTO stock s USING (VALUES (1)) v ON s.id = v.id|MERGE INTO stock s USING (VALUES (?)) v ON s.id = v.id|MERGE|stock",
      "CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY)|CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY)|CREATE|items",
      "DROP TABLE IF EXISTS items|DROP TABLE IF EXISTS items|DROP|items",
      "ALTER TABLE items ADD COLUMN price NUMERIC(10, 2) DEFAULT 0|ALTER TABLE items ADD COLUMN price NUMERIC(?, ?) DEFAULT ?|ALTER|items",
      "TRUNCATE TABLE audit|TRUNCATE TABLE audit|TRUNCATE|audit",
      "CREATE INDEX idx_a ON t (a)|CREATE INDEX idx_a ON t (a)|CREATE|<null>",
      "COMMIT|COMMIT|COMMIT|<null>",
      "{call refresh_stats(?, 42)}|{call refresh_stats(?, ?)}|CALL|<null>",
      "{? = call next_id('orders')}|{? = call next_id(?)}|CALL|<null>",
      // numbers: negative, exponent, decimals, hex
      "SELECT * FROM t WHERE x = -5|SELECT * FROM t WHERE x = ?|SELECT|t",
      "SELECT * FROM t WHERE x > -1.5e-3 AND y < +2E10|SELECT * FROM t WHERE x > ? AND y < ?|SELECT|t",
      "SELECT a-5, b - 6 FROM t|SELECT a-?, b - ? FROM t|SELECT|t",
      "SELECT -1|SELECT ?|SELECT|<null>",
      "SELECT .5 + 3. FROM t|SELECT ? + ? FROM t|SELECT|t",
      "SELECT * FROM t WHERE flags = 0xFF00|SELECT * FROM t WHERE flags = ?|SELECT|t",
      "SELECT * FROM t WHERE x IN (-1, -2)|SELECT * FROM t WHERE x IN (?)|SELECT|t",
      "SELECT col1, t2.col3 FROM t2|SELECT col1, t2.col3 FROM t2|SELECT|t2",
      // strings: escaped quotes, prefixes, backslashes
      "SELECT * FROM t WHERE s = 'it''s 98765'|SELECT * FROM t WHERE s = ?|SELECT|t",
      // standard SQL: a backslash is a character; 'C:\' is a whole literal
      "SELECT * FROM t WHERE v = 'C:\\' AND w = 'secret2'|SELECT * FROM t WHERE v = ? AND w = ?|SELECT|t",
      "SELECT * FROM t WHERE v LIKE 'ab!%' ESCAPE '\\' AND w = 'secret36'|SELECT * FROM t WHERE v LIKE ? ESCAPE ? AND w = ?|SELECT|t",
      "SELECT * FROM t WHERE s = E'a\\'b' AND c = 1|SELECT * FROM t WHERE s = ? AND c = ?|SELECT|t",
      "SELECT * FROM t WHERE s = E'line\\n' AND n = N'ünï'|SELECT * FROM t WHERE s = ? AND n = ?|SELECT|t",
      "SELECT * FROM t WHERE b = X'DEADBEEF'|SELECT * FROM t WHERE b = ?|SELECT|t",
      "SELECT * FROM t WHERE d > DATE '2024-01-31'|SELECT * FROM t WHERE d > DATE ?|SELECT|t",
      "SELECT * FROM t WHERE s = 'unterminated AND secret = 1|SELECT * FROM t WHERE s = ?|SELECT|t",
      // booleans and NULL
      "UPDATE flags SET on_off = TRUE, other = false WHERE x IS NULL|UPDATE flags SET on_off = ?, other = ? WHERE x IS NULL|UPDATE|flags",
      // PostgreSQL: dollar quoting, positional parameters, casts
      "SELECT $$secret text$$ FROM t|SELECT ? FROM t|SELECT|t",
      "SELECT $tag$it's $$ nested$tag$, $1 FROM t|SELECT ?, $1 FROM t|SELECT|t",
      "SELECT id::text FROM t WHERE j->>'k' = '5'|SELECT id::text FROM t WHERE j->>? = ?|SELECT|t",
      "SELECT * FROM t WHERE a = ANY(ARRAY[1, 2, 3])|SELECT * FROM t WHERE a = ANY(ARRAY[?, ?, ?])|SELECT|t",
      "SELECT * FROM ONLY parent_t|SELECT * FROM ONLY parent_t|SELECT|parent_t",
      // IN lists
      "SELECT * FROM t WHERE id IN (1, 2, 3, 4)|SELECT * FROM t WHERE id IN (?)|SELECT|t",
      "SELECT * FROM t WHERE id in(?,?,?) AND s IN ('a','b')|SELECT * FROM t WHERE id in(?) AND s IN (?)|SELECT|t",
      "SELECT * FROM t WHERE id NOT IN ( 5 , 6 )|SELECT * FROM t WHERE id NOT IN (?)|SELECT|t",
      // comments
      "SELECT /* user 98765 */ a FROM t -- trailing 'x'|SELECT a FROM t|SELECT|t",
      "/* leading */ SELECT a FROM t|SELECT a FROM t|SELECT|t",
      "SELECT a/* nested /* inner */ still */FROM t|SELECT a FROM t|SELECT|t",
      "SELECT a -- comment\\nFROM t\\nWHERE b = 2|SELECT a FROM t WHERE b = ?|SELECT|t",
      // quoted identifiers
      "SELECT \"Amount 2\" FROM \"Order Lines\" WHERE \"id\" = 3|SELECT \"Amount 2\" FROM \"Order Lines\" WHERE \"id\" = ?|SELECT|\"Order Lines\"",
      "SELECT * FROM sales.\"Q1 2024\" q|SELECT * FROM sales.\"Q1 2024\" q|SELECT|sales.\"Q1 2024\"",
      "SELECT [Order Id] FROM [dbo].[Orders] WHERE x = 1|SELECT [Order Id] FROM [dbo].[Orders] WHERE x = ?|SELECT|[dbo].[Orders]",
      // several tables: no single collection
      "SELECT * FROM a, b WHERE a.id = b.id|SELECT * FROM a, b WHERE a.id = b.id|SELECT|<null>",
      "SELECT * FROM a x JOIN b y ON x.id = y.id|SELECT * FROM a x JOIN b y ON x.id = y.id|SELECT|<null>",
      "SELECT * FROM a AS x LEFT OUTER JOIN b ON true|SELECT * FROM a AS x LEFT OUTER JOIN b ON ?|SELECT|<null>",
      "SELECT a FROM t1 UNION SELECT a FROM t2|SELECT a FROM t1 UNION SELECT a FROM t2|SELECT|<null>",
      "SELECT * FROM (SELECT a FROM t) s|SELECT * FROM (SELECT a FROM t) s|SELECT|<null>",
      "SELECT x FROM t WHERE y IN (SELECT y FROM u WHERE z = 9)|SELECT x FROM t WHERE y IN (SELECT y FROM u WHERE z = ?)|SELECT|t",
      "SELECT t.a FROM schema1.t WHERE t.b = 1 ORDER BY 1 LIMIT 10 OFFSET 20|SELECT t.a FROM schema1.t WHERE t.b = ? ORDER BY ? LIMIT ? OFFSET ?|SELECT|schema1.t",
      // common table expressions
      "WITH recent AS (SELECT * FROM orders WHERE age < 3) SELECT * FROM recent|WITH recent AS (SELECT * FROM orders WHERE age < ?) SELECT * FROM recent|SELECT|recent",
      // whitespace
      "~  SELECT\\n\\t*\\r\\n  FROM   t  ~|SELECT * FROM t|SELECT|t",
      // Oracle and SQL Server flavours
      "SELECT * FROM V$SESSION WHERE sid = :sid|SELECT * FROM V$SESSION WHERE sid = :sid|SELECT|V$SESSION",
      "SELECT TOP 10 * FROM dbo.Customers|SELECT TOP ? * FROM dbo.Customers|SELECT|dbo.Customers",
      "INSERT INTO t SELECT * FROM u|INSERT INTO t SELECT * FROM u|INSERT|t",
      "(SELECT a FROM t WHERE b = 1) UNION (SELECT a FROM u)|(SELECT a FROM t WHERE b = ?) UNION (SELECT a FROM u)|SELECT|<null>",
      "((SELECT a FROM t))|((SELECT a FROM t))|SELECT|t",
  })
  void ansiDialect(String sql, String expectedText, String operation, String collection) {
    SqlStatementInfo info = ansi.info(sql.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r"));
    assertThat(info.queryText()).isEqualTo(expectedText);
    assertThat(info.operation()).isEqualTo(operation);
    assertThat(info.collection()).isEqualTo(collection);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', nullValues = "<null>", value = {
      "SELECT * FROM `order items` WHERE note = \"secret\"|SELECT * FROM `order items` WHERE note = ?|SELECT|`order items`",
      "SELECT a FROM t # note 98765|SELECT a FROM t|SELECT|t",
      "INSERT IGNORE INTO t (a) VALUES ('x\\'y')|INSERT IGNORE INTO t (a) VALUES (?)|INSERT|t",
      "SELECT * FROM t WHERE v = 'C:\\\\' AND w = 'secret2'|SELECT * FROM t WHERE v = ? AND w = ?|SELECT|t",
      "REPLACE INTO kv VALUES (1, \"v\")|REPLACE INTO kv VALUES (?, ?)|REPLACE|kv",
      "UPDATE LOW_PRIORITY t SET a = \"it\"\"s\"|UPDATE LOW_PRIORITY t SET a = ?|UPDATE|t",
  })
  void mysqlDialect(String sql, String expectedText, String operation, String collection) {
    SqlStatementInfo info = mysql.info(sql);
    assertThat(info.queryText()).isEqualTo(expectedText);
    assertThat(info.operation()).isEqualTo(operation);
    assertThat(info.collection()).isEqualTo(collection);
  }

  /**
   * Where the dialect is not known, a backslash before a quote may end the literal or escape the
   * quote; each reading exposes text the other hides, so everything from that literal on is hidden.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "SELECT * FROM t WHERE v = 'C:\\' AND w = 'secret2'|SELECT * FROM t WHERE v = ?",
      "SELECT * FROM t WHERE s = 'it\\'s secret' AND c = 1|SELECT * FROM t WHERE s = ?",
      "SELECT * FROM t WHERE a = 'x\\y' AND b = 'z'|SELECT * FROM t WHERE a = ? AND b = ?",
  })
  void unknownDialectHidesWhatEitherReadingWouldExpose(String sql, String expectedText) {
    SqlStatementInfo info = unknown.info(sql);
    assertThat(info.queryText()).isEqualTo(expectedText);
    assertThat(info.operation()).isEqualTo("SELECT");
    assertThat(info.collection()).isEqualTo("t");
  }

  @Test
  void eachSystemReadsBackslashesAsItsDefaultModeDoes() {
    assertThat(DbInfo.fromUrl("jdbc:mysql://db:3306/shop").backslash()).isEqualTo(SqlSanitizer.Backslash.ESCAPES);
    assertThat(DbInfo.fromUrl("jdbc:postgresql://db/shop").backslash()).isEqualTo(SqlSanitizer.Backslash.PLAIN);
    assertThat(DbInfo.fromUrl("jdbc:h2:mem:test").backslash()).isEqualTo(SqlSanitizer.Backslash.PLAIN);
    assertThat(DbInfo.fromUrl("jdbc:oracle:thin:@db:1521/XE").backslash()).isEqualTo(SqlSanitizer.Backslash.PLAIN);
    assertThat(DbInfo.fromUrl("jdbc:clickhouse://db:8123/x").backslash()).isEqualTo(SqlSanitizer.Backslash.ESCAPES);
    assertThat(DbInfo.fromUrl("jdbc:snowflake://acct.snowflakecomputing.com").backslash())
        .isEqualTo(SqlSanitizer.Backslash.EITHER);
  }

  @Test
  void hugeStatementIsCutAndStillHidesLiterals() {
    StringBuilder sql = new StringBuilder("SELECT * FROM t WHERE id IN (");
    for (int i = 0; i < 20_000; i++) {
      sql.append(i == 0 ? "" : ", ").append(100_000 + i);
    }
    sql.append(") AND s = 'secret'");
    SqlStatementInfo info = ansi.info(sql.toString());
    assertThat(info.queryText()).startsWith("SELECT * FROM t WHERE id IN (?, ?, ?");
    assertThat(info.queryText().length()).isLessThanOrEqualTo(SqlSanitizer.MAX_LENGTH);
    assertThat(info.queryText()).doesNotContainPattern("[0-9]").doesNotContain("secret");
    assertThat(info.operation()).isEqualTo("SELECT");
    assertThat(info.collection()).isEqualTo("t");
  }

  @Test
  void sameTextIsComputedOnce() {
    SqlStatementInfo first = ansi.info("SELECT * FROM t WHERE a = 1");
    assertThat(ansi.info("SELECT * FROM t WHERE a = 1")).isSameAs(first);
  }

  @Test
  void sanitizerOffKeepsTextButStillNamesTheOperation() {
    SqlStatementInfo info = new SqlSanitizer(false, SqlSanitizer.Backslash.PLAIN, false).info("SELECT * FROM t WHERE a = 1");
    assertThat(info.queryText()).isEqualTo("SELECT * FROM t WHERE a = 1");
    assertThat(info.operation()).isEqualTo("SELECT");
    assertThat(info.collection()).isEqualTo("t");
  }
}
