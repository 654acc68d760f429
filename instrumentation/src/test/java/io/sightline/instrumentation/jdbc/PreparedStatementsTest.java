package io.sightline.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.jdbc.JdbcTelemetry.PreparedSql;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PreparedStatementsTest {
  private final PreparedStatements statements = new PreparedStatements();

  @Test
  void findsTheSqlAStatementWasPreparedWith() {
    FakeStatement a = new FakeStatement();
    FakeStatement b = new FakeStatement();
    statements.put(a.proxy, sql("SELECT a FROM t"));
    statements.put(b.proxy, sql("SELECT b FROM t"));

    assertThat(statements.get(a.proxy).sql.queryText()).isEqualTo("SELECT a FROM t");
    assertThat(statements.get(b.proxy).sql.queryText()).isEqualTo("SELECT b FROM t");
    assertThat(statements.get(new FakeStatement().proxy)).isNull();
  }

  @Test
  void aStatementPreparedAgainIsFoundWithItsNewestSql() {
    FakeStatement cached = new FakeStatement(); // a driver's statement cache hands out the same object
    statements.put(cached.proxy, sql("SELECT 1"));
    statements.put(cached.proxy, sql("SELECT 2"));

    assertThat(statements.get(cached.proxy).sql.queryText()).isEqualTo("SELECT 2");
  }

  @Test
  void aClosedStatementPushedOutOfTheRingIsForgotten() {
    FakeStatement first = new FakeStatement();
    statements.put(first.proxy, sql("SELECT first"));
    first.closed.set(true);

    for (int i = 0; i < PreparedStatements.SIZE; i++) {
      statements.put(new FakeStatement().proxy, sql("SELECT " + i));
    }

    assertThat(statements.get(first.proxy)).isNull();
    assertThat(statements.olderSize()).isZero();
    assertThat(first.isClosedCalls.get()).isEqualTo(1);
  }

  @Test
  void anOpenStatementPushedOutOfTheRingIsStillFound() {
    FakeStatement longLived = new FakeStatement();
    statements.put(longLived.proxy, sql("SELECT kept"));
    List<FakeStatement> closed = new ArrayList<>();
    for (int i = 0; i < 3 * PreparedStatements.SIZE; i++) {
      FakeStatement s = new FakeStatement();
      s.closed.set(true);
      closed.add(s);
      statements.put(s.proxy, sql("SELECT " + i));
    }

    assertThat(statements.get(longLived.proxy).sql.queryText()).isEqualTo("SELECT kept");
    assertThat(statements.olderSize()).isEqualTo(1);
  }

  @Test
  void aStatementThatCannotSayWhetherItIsClosedIsKept() {
    FakeStatement old = new FakeStatement();
    old.isClosedThrows = true;
    statements.put(old.proxy, sql("SELECT old"));
    for (int i = 0; i < PreparedStatements.SIZE; i++) {
      FakeStatement s = new FakeStatement();
      s.closed.set(true);
      statements.put(s.proxy, sql("SELECT " + i));
    }

    assertThat(statements.get(old.proxy).sql.queryText()).isEqualTo("SELECT old");
  }

  @Test
  void everyThreadFindsItsOwnStatementsWhileOthersPrepareConcurrently() throws Exception {
    int threads = 8;
    int perThread = 20_000;
    AtomicInteger wrong = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        FakeStatement longLived = new FakeStatement(); // open throughout, so pushed out to the weak map
        statements.put(longLived.proxy, sql("SELECT long " + id));
        for (int i = 0; i < perThread; i++) {
          FakeStatement s = new FakeStatement();
          String text = "SELECT " + id + " " + (i % 7);
          statements.put(s.proxy, sql(text));
          PreparedSql found = statements.get(s.proxy);
          if (found == null || !found.sql.queryText().equals(text)) {
            wrong.incrementAndGet();
          }
          s.closed.set(true);
          PreparedSql kept = statements.get(longLived.proxy);
          if (kept == null || !kept.sql.queryText().equals("SELECT long " + id)) {
            wrong.incrementAndGet();
          }
        }
      });
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(wrong.get()).isZero();
    // At most the long-lived ones (unless collected already) and the few that another thread pushed
    // out while still open, between their prepare and their close: not the 160,000 closed ones.
    assertThat(statements.olderSize()).isLessThan(threads * 100);
  }

  private static PreparedSql sql(String text) {
    return new PreparedSql(new SqlStatementInfo(text, "SELECT", "t"), DbInfo.UNKNOWN);
  }

  /** A statement whose only behaviour is {@code isClosed()}. */
  private static final class FakeStatement {
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger isClosedCalls = new AtomicInteger();
    volatile boolean isClosedThrows;
    final Statement proxy = (Statement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, (self, method, args) -> {
          switch (method.getName()) {
            case "isClosed":
              isClosedCalls.incrementAndGet();
              if (isClosedThrows) {
                throw new SQLException("connection broken");
              }
              return closed.get();
            case "hashCode":
              return System.identityHashCode(self);
            case "equals":
              return self == args[0];
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
  }
}
