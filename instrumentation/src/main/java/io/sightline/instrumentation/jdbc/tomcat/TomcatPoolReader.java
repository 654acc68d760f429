package io.sightline.instrumentation.jdbc.tomcat;

import io.sightline.instrumentation.jdbc.pool.ConnectionPoolMetrics;
import io.sightline.instrumentation.jdbc.pool.Getters;

/** {@code ConnectionPool} counts; limits from its {@code PoolConfiguration}. */
final class TomcatPoolReader implements ConnectionPoolMetrics.PoolReader {
  @Override
  public long used(Object pool, Object config) {
    return Getters.getLong(pool, "getActive");
  }

  @Override
  public long idle(Object pool, Object config) {
    return Getters.getLong(pool, "getIdle");
  }

  @Override
  public long max(Object pool, Object config) {
    return Getters.getLong(config, "getMaxActive");
  }

  @Override
  public long idleMin(Object pool, Object config) {
    return Getters.getLong(config, "getMinIdle");
  }

  @Override
  public long pending(Object pool, Object config) {
    return Getters.getLong(pool, "getWaitCount");
  }
}
