package io.sightline.instrumentation.jdbc.hikaricp;

import io.sightline.instrumentation.jdbc.pool.ConnectionPoolMetrics;
import io.sightline.instrumentation.jdbc.pool.Getters;

/**
 * {@code HikariPool} counts and its {@code HikariConfig} limits (read each time: HikariConfigMXBean
 * can change them at runtime).
 */
final class HikariPoolReader implements ConnectionPoolMetrics.PoolReader {
  @Override
  public long used(Object pool, Object config) {
    return Getters.getLong(pool, "getActiveConnections");
  }

  @Override
  public long idle(Object pool, Object config) {
    return Getters.getLong(pool, "getIdleConnections");
  }

  @Override
  public long max(Object pool, Object config) {
    return Getters.getLong(config, "getMaximumPoolSize");
  }

  @Override
  public long idleMin(Object pool, Object config) {
    return Getters.getLong(config, "getMinimumIdle");
  }

  @Override
  public long pending(Object pool, Object config) {
    return Getters.getLong(pool, "getThreadsAwaitingConnection");
  }
}
