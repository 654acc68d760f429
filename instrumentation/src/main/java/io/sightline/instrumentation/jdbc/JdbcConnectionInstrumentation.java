package io.sightline.instrumentation.jdbc;

import static io.sightline.instrumentation.api.Methods.isAbstract;
import static io.sightline.instrumentation.api.Methods.isPublic;
import static io.sightline.instrumentation.api.Methods.namedOneOf;
import static io.sightline.instrumentation.api.Methods.not;
import static io.sightline.instrumentation.api.Methods.takesArgument;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code Connection.prepareStatement/prepareCall}: the SQL a prepared statement is made from,
 * sanitised once here, so that each execution only looks it up.
 */
final class JdbcConnectionInstrumentation implements TypeInstrumentation {
  private static final String[] PREPARE = {"prepareStatement", "prepareCall"};

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return JdbcInstrumentationModule.notJdk().and(SuperTypes.declaresMethodNamed(PREPARE))
        .and(SuperTypes.classBelow("java.sql.Connection"));
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(namedOneOf(PREPARE)
            .and(takesArgument(0, String.class)).and(isPublic()).and(not(isAbstract())),
        JdbcConnectionInstrumentation.class.getName() + "$PrepareAdvice");
  }

  public static final class PrepareAdvice {
    /** The SQL travels as the exit's state: there is no enter for this site. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.This Object self, @Advice.Argument(0) String sql,
        @Advice.Return Object statement, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.JDBC_PREPARE, sql, self, statement, thrown);
    }
  }
}
