package io.sightline.instrumentation.jdbc;

import io.sightline.instrumentation.api.WeakIdentityMap;
import io.sightline.instrumentation.jdbc.JdbcTelemetry.PreparedSql;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The SQL each prepared statement was prepared with, for its executions.
 *
 * <p>The statements prepared last, by any thread, are held in a small ring, so that the usual
 * life of a statement (prepare, execute, close, within a request) costs no weak reference. A weak
 * reference per statement is cheap to create but not to collect: every young GC discovers, clears
 * and enqueues each one whose statement died since the last, and at 5,000 statements a second
 * that doubled G1's young pauses (about 3 to 6.7 ms, docs/benchmarks.md), which is what a p99
 * latency is made of. A statement that the ring pushes out while it is still open moves to a weak
 * map and is found there for as long as it lives; a closed one is forgotten.
 *
 * <p>The ring keeps up to {@link #SIZE} statements reachable, closed ones included, until newer
 * statements push them out: a bounded retention, never a leak.
 */
final class PreparedStatements {
  static final int SIZE = 64;

  private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(SIZE);
  private final AtomicInteger next = new AtomicInteger();
  private final WeakIdentityMap<Statement, PreparedSql> older = new WeakIdentityMap<>();

  void put(Statement statement, PreparedSql sql) {
    Entry entry = new Entry(statement, sql);
    while (true) {
      int slot = next.getAndIncrement() & (SIZE - 1);
      Entry old = ring.get(slot);
      // Moved before it leaves the ring, so that a concurrent look-up always finds it somewhere.
      if (old != null && old.statement != statement && isOpen(old.statement)) {
        older.put(old.statement, old.sql);
      }
      if (ring.compareAndSet(slot, old, entry)) {
        return;
      }
      // Another thread went round the whole ring meanwhile: take the next slot.
    }
  }

  /** The SQL the statement was prepared with; null if it was not seen being prepared. */
  PreparedSql get(Statement statement) {
    int newest = next.get() - 1;
    for (int i = 0; i < SIZE; i++) {
      Entry entry = ring.get((newest - i) & (SIZE - 1));
      if (entry != null && entry.statement == statement) {
        return entry.sql;
      }
    }
    return older.get(statement);
  }

  /** Statements held by the weak map, for tests. */
  int olderSize() {
    return older.size();
  }

  private static boolean isOpen(Statement statement) {
    try {
      return !statement.isClosed();
    } catch (Throwable t) {
      return true; // cannot tell: keep what is known about it
    }
  }

  private static final class Entry {
    final Statement statement;
    final PreparedSql sql;

    Entry(Statement statement, PreparedSql sql) {
      this.statement = statement;
      this.sql = sql;
    }
  }
}
