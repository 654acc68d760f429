package io.sightline.benchmarks.jmh;

import io.sightline.instrumentation.jdbc.SqlSanitizer;
import io.sightline.instrumentation.jdbc.SqlStatementInfo;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SQL sanitisation as the JDBC instrumentation runs it per statement: a prepared statement seen
 * before (the sanitiser's cache answers), and statements with inlined literals, each distinct
 * (1024 of them, twice the cache, so nearly every call sanitises).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SqlSanitizerBenchmark {
  private static final int DISTINCT = 1024;

  private final SqlSanitizer sanitizer = new SqlSanitizer(false, SqlSanitizer.Backslash.PLAIN, true);
  private final String prepared = "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = ? AND o.status IN (?, ?, ?)";
  private final String[] literal = new String[DISTINCT];
  private int next;

  public SqlSanitizerBenchmark() {
    for (int i = 0; i < DISTINCT; i++) {
      literal[i] = "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = 'user"
          + i + "@example.com' AND o.status IN ('NEW', 'PAID', 'SHIPPED') AND o.total > " + (i * 3.5);
    }
  }

  @Benchmark
  public SqlStatementInfo preparedStatementCached() {
    return sanitizer.info(prepared);
  }

  @Benchmark
  public SqlStatementInfo literalStatementSanitized() {
    String sql = literal[next];
    next = (next + 1) & (DISTINCT - 1);
    return sanitizer.info(sql);
  }
}
