package io.sightline.instrumentation.jdbc;

import io.sightline.bootstrap.Hook;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Records what later executions need (the SQL of prepared statements and of batch entries) and
 * forgets it when a statement closes.
 */
final class StatementStateHook extends Hook {
  enum Kind { PREPARE, ADD_BATCH, CLEAR_BATCH, CLOSE }

  private final JdbcTelemetry telemetry;
  private final Kind kind;

  StatementStateHook(JdbcTelemetry telemetry, Kind kind) {
    super(JdbcInstrumentationModule.NAME);
    this.telemetry = telemetry;
    this.kind = kind;
  }

  @Override
  public Object enter(Object self, Object arg0, Object arg1) {
    if (self instanceof Statement) {
      if (kind == Kind.ADD_BATCH) {
        telemetry.addBatch((Statement) self, (String) arg0);
      } else if (kind == Kind.CLEAR_BATCH) {
        telemetry.clearBatch((Statement) self);
      }
    }
    return null;
  }

  /**
   * For {@link Kind#PREPARE}: state is the SQL, result the new statement. For {@link Kind#CLOSE}:
   * self is the statement that closed.
   */
  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    if (kind == Kind.PREPARE && thrown == null && self instanceof Connection && state instanceof String) {
      telemetry.prepared((Connection) self, (String) state, result);
    } else if (kind == Kind.CLOSE && self instanceof Statement) {
      telemetry.closed((Statement) self);
    }
  }
}
