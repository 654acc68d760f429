package io.sightline.instrumentation.jdbc.dbcp;

import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** {@code org.apache.commons.dbcp2.BasicDataSource}: pool creation, close and connection requests. */
final class BasicDataSourceInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.commons.dbcp2.BasicDataSource");
  }

  @Override
  public void transform(AdviceTarget target) {
    String name = BasicDataSourceInstrumentation.class.getName();
    target.applyAdvice(named("createDataSource").and(takesArguments(0)), name + "$CreatedAdvice");
    target.applyAdvice(named("close").and(takesArguments(0)), name + "$ClosedAdvice");
    target.applyAdvice(named("getConnection").and(takesArguments(0)), name + "$GetConnectionAdvice");
  }

  public static final class CreatedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Object dataSource, @Advice.Return Object pool) {
      if (pool != null) {
        Hooks.enter(HookIds.DBCP_POOL_CREATED, dataSource, dataSource, null);
      }
    }
  }

  public static final class ClosedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object dataSource) {
      Hooks.enter(HookIds.DBCP_POOL_CLOSED, dataSource, null, null);
    }
  }

  public static final class GetConnectionAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object dataSource) {
      return Hooks.enter(HookIds.DBCP_GET_CONNECTION, dataSource, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.This Object dataSource,
        @Advice.Return Object connection, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.DBCP_GET_CONNECTION, state, dataSource, connection, thrown);
    }
  }
}
