package io.sightline.instrumentation.jdbc;

import io.sightline.bootstrap.Hook;
import io.sightline.instrumentation.api.Suppression;
import java.sql.Statement;

/**
 * One span per logical JDBC call. Pools wrap the driver's statement (HikariCP's proxy calls the
 * driver's {@code executeQuery}) and drivers delegate internally (PostgreSQL's
 * {@code executeQuery} calls {@code execute}): a per-thread call depth lets only the outermost
 * call of a nest trace. The depth lives in this loader only; it is never shared with application
 * classes.
 */
final class StatementExecuteHook extends Hook {
  enum Kind { SQL, PREPARED, BATCH }

  /** State of a nested or untraced call: the exit only lowers the depth. */
  private static final Object UNTRACED = new Object();
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final JdbcTelemetry telemetry;
  private final Kind kind;

  StatementExecuteHook(JdbcTelemetry telemetry, Kind kind) {
    super(JdbcInstrumentationModule.NAME);
    this.telemetry = telemetry;
    this.kind = kind;
  }

  @Override
  public Object enter(Object self, Object arg0, Object arg1) {
    int[] depth = DEPTH.get();
    if (depth[0]++ > 0) {
      if (kind == Kind.BATCH && self instanceof Statement) {
        telemetry.discardBatch((Statement) self);
      }
      return UNTRACED;
    }
    try {
      if (!(self instanceof Statement) || Suppression.isSuppressed()) {
        return UNTRACED;
      }
      Statement statement = (Statement) self;
      switch (kind) {
        case SQL:
          return telemetry.startSql(statement, (String) arg0);
        case PREPARED:
          return telemetry.startPrepared(statement);
        default:
          return telemetry.startBatch(statement);
      }
    } catch (RuntimeException | Error e) {
      // Hooks disables this hook and passes no state to exit: the depth must not stay raised.
      depth[0]--;
      throw e;
    }
  }

  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    if (state == null) {
      return;
    }
    DEPTH.get()[0]--;
    if (state instanceof JdbcTelemetry.Call) {
      telemetry.end((JdbcTelemetry.Call) state, result, thrown);
    }
  }
}
