package io.sightline.instrumentation.jdbc.hikaricp;

import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.jdbc.pool.ConnectionPoolMetrics;
import io.sightline.instrumentation.jdbc.pool.Getters;
import io.sightline.instrumentation.jdbc.pool.PoolHooks;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * HikariCP pool metrics: every {@code HikariPool} registers when constructed and unregisters on
 * {@code shutdown()}; connection requests give wait time and timeouts, returns give use time.
 */
public final class HikariInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "hikaricp";

  public HikariInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList("com.zaxxer.hikari.pool.HikariPool");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new HikariPoolInstrumentation(), new HikariProxyConnectionInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    ConnectionPoolMetrics metrics = new ConnectionPoolMetrics(context.openTelemetry(), NAME, new HikariPoolReader());
    PoolHooks.register(NAME, metrics, HookIds.HIKARI_POOL_CREATED, HookIds.HIKARI_POOL_SHUTDOWN,
        HookIds.HIKARI_GET_CONNECTION, HookIds.HIKARI_CONNECTION_CLOSE,
        (pool, config) -> {
          String name = Getters.getString(config, "getPoolName");
          return name != null ? name : "HikariPool";
        },
        pool -> Getters.field(pool, "config"), // HikariPool's public final HikariConfig config
        // HikariCP signals "request timed out" with this type and nothing else.
        thrown -> thrown instanceof java.sql.SQLTransientConnectionException);
  }
}
