package io.sightline.instrumentation.jdbc.tomcat;

import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.jdbc.pool.ConnectionPoolMetrics;
import io.sightline.instrumentation.jdbc.pool.Getters;
import io.sightline.instrumentation.jdbc.pool.PoolHooks;
import java.util.Collections;
import java.util.List;

/**
 * Tomcat JDBC pool metrics: each {@code org.apache.tomcat.jdbc.pool.ConnectionPool} registers
 * when constructed and unregisters on {@code close(boolean)}. Its connections are JDK dynamic
 * proxies, which the agent does not touch, so there is no use-time histogram.
 */
public final class TomcatJdbcInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "tomcat-jdbc";

  public TomcatJdbcInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList("org.apache.tomcat.jdbc.pool.ConnectionPool");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new TomcatConnectionPoolInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    ConnectionPoolMetrics metrics = new ConnectionPoolMetrics(context.openTelemetry(), NAME, new TomcatPoolReader());
    PoolHooks.register(NAME, metrics, HookIds.TOMCAT_POOL_CREATED, HookIds.TOMCAT_POOL_CLOSED,
        HookIds.TOMCAT_GET_CONNECTION, -1,
        (pool, config) -> {
          String name = Getters.getString(pool, "getName");
          return name != null ? name : "tomcat-jdbc";
        },
        pool -> Getters.get(pool, "getPoolProperties"),
        thrown -> thrown.getClass().getName().equals("org.apache.tomcat.jdbc.pool.PoolExhaustedException"));
  }
}
