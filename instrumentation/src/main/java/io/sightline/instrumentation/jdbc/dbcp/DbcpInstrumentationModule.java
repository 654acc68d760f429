package io.sightline.instrumentation.jdbc.dbcp;

import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.jdbc.DbInfo;
import io.sightline.instrumentation.jdbc.pool.ConnectionPoolMetrics;
import io.sightline.instrumentation.jdbc.pool.Getters;
import io.sightline.instrumentation.jdbc.pool.PoolHooks;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Apache Commons DBCP2 pool metrics: a {@code BasicDataSource} registers when it creates its pool
 * (lazily, on the first connection request) and unregisters on {@code close()}.
 */
public final class DbcpInstrumentationModule extends InstrumentationModule {
  public static final String NAME = "apache-dbcp";

  public DbcpInstrumentationModule() {
    super(NAME);
  }

  @Override
  public List<String> requiredClassNames() {
    return Collections.singletonList("org.apache.commons.dbcp2.BasicDataSource");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new BasicDataSourceInstrumentation(), new DbcpPoolGuardConnectionInstrumentation());
  }

  @Override
  public void registerHooks(AgentContext context) {
    ConnectionPoolMetrics metrics = new ConnectionPoolMetrics(context.openTelemetry(), NAME, new DbcpPoolReader());
    PoolHooks.register(NAME, metrics, HookIds.DBCP_POOL_CREATED, HookIds.DBCP_POOL_CLOSED,
        HookIds.DBCP_GET_CONNECTION, HookIds.DBCP_CONNECTION_CLOSE,
        (dataSource, config) -> poolName(dataSource),
        dataSource -> dataSource, // the creation hook's configuration is the data source itself
        // DBCP wraps commons-pool's "Timeout waiting for idle object" in an SQLException.
        thrown -> thrown instanceof SQLException && thrown.getCause() instanceof NoSuchElementException);
  }

  /**
   * The JMX name when the application set one; otherwise, as the semantic conventions suggest for
   * unnamed pools, {@code server.address:server.port/db.namespace} from the JDBC URL.
   */
  static String poolName(Object dataSource) {
    String jmxName = Getters.getString(dataSource, "getJmxName");
    if (jmxName != null && !jmxName.isEmpty()) {
      return jmxName;
    }
    DbInfo db = DbInfo.fromUrl(Getters.getString(dataSource, "getUrl"));
    StringBuilder name = new StringBuilder();
    if (db.serverAddress() != null) {
      name.append(db.serverAddress());
      if (db.serverPort() > 0) {
        name.append(':').append(db.serverPort());
      }
    }
    if (db.namespace() != null) {
      name.append(name.length() > 0 ? "/" : "").append(db.namespace());
    }
    return name.length() > 0 ? name.toString() : "dbcp2";
  }
}
