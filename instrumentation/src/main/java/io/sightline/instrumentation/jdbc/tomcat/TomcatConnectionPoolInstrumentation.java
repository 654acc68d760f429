package io.sightline.instrumentation.jdbc.tomcat;

import static io.sightline.instrumentation.api.Methods.isConstructor;
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

/** {@code org.apache.tomcat.jdbc.pool.ConnectionPool}: creation, close and connection requests. */
final class TomcatConnectionPoolInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.tomcat.jdbc.pool.ConnectionPool");
  }

  @Override
  public void transform(AdviceTarget target) {
    String name = TomcatConnectionPoolInstrumentation.class.getName();
    target.applyAdvice(isConstructor().and(takesArguments(1)), name + "$CreatedAdvice");
    target.applyAdvice(named("close").and(takesArguments(boolean.class)), name + "$ClosedAdvice");
    target.applyAdvice(named("getConnection").and(takesArguments(0)), name + "$GetConnectionAdvice");
  }

  public static final class CreatedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Object pool, @Advice.Argument(0) Object config) {
      Hooks.enter(HookIds.TOMCAT_POOL_CREATED, pool, config, null);
    }
  }

  public static final class ClosedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object pool) {
      Hooks.enter(HookIds.TOMCAT_POOL_CLOSED, pool, null, null);
    }
  }

  public static final class GetConnectionAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object pool) {
      return Hooks.enter(HookIds.TOMCAT_GET_CONNECTION, pool, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.This Object pool,
        @Advice.Return Object connection, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.TOMCAT_GET_CONNECTION, state, pool, connection, thrown);
    }
  }
}
