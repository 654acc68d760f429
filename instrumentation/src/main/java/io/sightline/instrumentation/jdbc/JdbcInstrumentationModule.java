package io.sightline.instrumentation.jdbc;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * JDBC for any driver: a CLIENT span and a {@code db.client.operation.duration} measurement per
 * statement execution, with sanitised SQL and the database facts of the connection.
 */
public final class JdbcInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "jdbc";

  public JdbcInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new JdbcStatementInstrumentation(), new JdbcConnectionInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    JdbcTelemetry telemetry = new JdbcTelemetry(context.openTelemetry(), NAME);
    Hooks.register(HookIds.JDBC_EXECUTE_SQL, new StatementExecuteHook(telemetry, StatementExecuteHook.Kind.SQL));
    Hooks.register(HookIds.JDBC_EXECUTE_PREPARED, new StatementExecuteHook(telemetry, StatementExecuteHook.Kind.PREPARED));
    Hooks.register(HookIds.JDBC_EXECUTE_BATCH, new StatementExecuteHook(telemetry, StatementExecuteHook.Kind.BATCH));
    Hooks.register(HookIds.JDBC_PREPARE, new StatementStateHook(telemetry, StatementStateHook.Kind.PREPARE));
    Hooks.register(HookIds.JDBC_ADD_BATCH, new StatementStateHook(telemetry, StatementStateHook.Kind.ADD_BATCH));
    Hooks.register(HookIds.JDBC_CLEAR_BATCH, new StatementStateHook(telemetry, StatementStateHook.Kind.CLEAR_BATCH));
    Hooks.register(HookIds.JDBC_STATEMENT_CLOSE, new StatementStateHook(telemetry, StatementStateHook.Kind.CLOSE));
  }

  /** JDK classes never implement a driver worth tracing; skipping them by name spares parsing. */
  static ElementMatcher.Junction<TypeDescription> notJdk() {
    return TypeNames.nameStartsWithNone("java.", "javax.", "jdk.", "sun.", "com.sun.");
  }
}
