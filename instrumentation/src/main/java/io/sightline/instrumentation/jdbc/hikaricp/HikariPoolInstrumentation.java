package io.sightline.instrumentation.jdbc.hikaricp;

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

/** {@code com.zaxxer.hikari.pool.HikariPool}: creation, shutdown and connection requests. */
final class HikariPoolInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("com.zaxxer.hikari.pool.HikariPool");
  }

  @Override
  public void transform(AdviceTarget target) {
    String name = HikariPoolInstrumentation.class.getName();
    target.applyAdvice(isConstructor().and(takesArguments(1)), name + "$CreatedAdvice");
    target.applyAdvice(named("shutdown").and(takesArguments(0)), name + "$ShutdownAdvice");
    // getConnection() delegates to getConnection(long): advising the latter counts each request once.
    target.applyAdvice(named("getConnection").and(takesArguments(long.class)), name + "$GetConnectionAdvice");
  }

  public static final class CreatedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Object pool, @Advice.Argument(0) Object config) {
      Hooks.enter(HookIds.HIKARI_POOL_CREATED, pool, config, null);
    }
  }

  public static final class ShutdownAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object pool) {
      Hooks.enter(HookIds.HIKARI_POOL_SHUTDOWN, pool, null, null);
    }
  }

  public static final class GetConnectionAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object pool) {
      return Hooks.enter(HookIds.HIKARI_GET_CONNECTION, pool, null, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.This Object pool,
        @Advice.Return Object connection, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.HIKARI_GET_CONNECTION, state, pool, connection, thrown);
    }
  }
}
