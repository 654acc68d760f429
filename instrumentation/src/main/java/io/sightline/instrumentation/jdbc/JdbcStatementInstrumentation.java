package io.sightline.instrumentation.jdbc;

import static io.sightline.instrumentation.api.Methods.isAbstract;
import static io.sightline.instrumentation.api.Methods.isPublic;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.namedOneOf;
import static io.sightline.instrumentation.api.Methods.not;
import static io.sightline.instrumentation.api.Methods.takesArgument;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every class implementing {@code java.sql.Statement}, whatever the driver or pool. Abstract
 * classes are included on purpose: they often hold the implementation that concrete statements
 * inherit (HikariCP's {@code ProxyStatement}), and advice applies only to declared methods.
 */
final class JdbcStatementInstrumentation implements TypeInstrumentation {
  private static final String[] EXECUTE = {"execute", "executeQuery", "executeUpdate", "executeLargeUpdate"};
  private static final String[] BATCH = {"executeBatch", "executeLargeBatch"};
  /** Every method name {@link #transform} gives advice to. */
  private static final String[] ADVISED = advised("addBatch", "clearBatch", "close");

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    // Only a class that declares one of the advised methods is changed: the others' super types
    // are not read.
    return JdbcInstrumentationModule.notJdk()
        .and(SuperTypes.declaresMethodNamed(ADVISED))
        .and(SuperTypes.classBelow("java.sql.Statement"));
  }

  @Override
  public void transform(AdviceTarget target) {
    String name = JdbcStatementInstrumentation.class.getName();
    target.applyAdvice(namedOneOf(EXECUTE).and(takesArgument(0, String.class)).and(isPublic()).and(not(isAbstract())),
        name + "$ExecuteSqlAdvice");
    target.applyAdvice(namedOneOf(EXECUTE).and(takesArguments(0)).and(isPublic()).and(not(isAbstract())),
        name + "$ExecutePreparedAdvice");
    target.applyAdvice(namedOneOf(BATCH).and(takesArguments(0)).and(isPublic()).and(not(isAbstract())),
        name + "$ExecuteBatchAdvice");
    target.applyAdvice(named("addBatch").and(takesArguments(String.class)).and(isPublic()).and(not(isAbstract())),
        name + "$AddBatchAdvice");
    target.applyAdvice(named("clearBatch").and(takesArguments(0)).and(isPublic()).and(not(isAbstract())),
        name + "$ClearBatchAdvice");
    target.applyAdvice(named("close").and(takesArguments(0)).and(isPublic()).and(not(isAbstract())),
        name + "$CloseAdvice");
  }

  private static String[] advised(String... others) {
    List<String> names = new ArrayList<>(Arrays.asList(EXECUTE));
    names.addAll(Arrays.asList(BATCH));
    names.addAll(Arrays.asList(others));
    return names.toArray(new String[0]);
  }

  public static final class ExecuteSqlAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object self, @Advice.Argument(0) String sql) {
      return Hooks.enter(HookIds.JDBC_EXECUTE_SQL, self, sql, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.JDBC_EXECUTE_SQL, state, null, null, thrown);
    }
  }

  public static final class ExecutePreparedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object self) {
      return Hooks.enter(HookIds.JDBC_EXECUTE_PREPARED, self, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.JDBC_EXECUTE_PREPARED, state, null, null, thrown);
    }
  }

  public static final class ExecuteBatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object self) {
      return Hooks.enter(HookIds.JDBC_EXECUTE_BATCH, self, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.Return Object counts, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.JDBC_EXECUTE_BATCH, state, null, counts, thrown);
    }
  }

  public static final class AddBatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object self, @Advice.Argument(0) String sql) {
      Hooks.enter(HookIds.JDBC_ADD_BATCH, self, sql, null);
    }
  }

  public static final class ClearBatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object self) {
      Hooks.enter(HookIds.JDBC_CLEAR_BATCH, self, null, null);
    }
  }

  /** After {@code close()} returned normally: the statement is closed, its SQL no longer needed. */
  public static final class CloseAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Object self) {
      Hooks.exit(HookIds.JDBC_STATEMENT_CLOSE, null, self, null, null);
    }
  }
}
