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

/** The wrapper {@code BasicDataSource.getConnection()} hands out: its close() ends the use time. */
final class DbcpPoolGuardConnectionInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("org.apache.commons.dbcp2.PoolingDataSource$PoolGuardConnectionWrapper");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(named("close").and(takesArguments(0)),
        DbcpPoolGuardConnectionInstrumentation.class.getName() + "$CloseAdvice");
  }

  public static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object connection) {
      Hooks.enter(HookIds.DBCP_CONNECTION_CLOSE, connection, null, null);
    }
  }
}
