package io.sightline.instrumentation.jdbc.dbcp;

import io.sightline.instrumentation.jdbc.pool.ConnectionPoolMetrics;
import io.sightline.instrumentation.jdbc.pool.Getters;

/** {@code BasicDataSource} counts and limits; waiting threads from its commons-pool object pool. */
final class DbcpPoolReader implements ConnectionPoolMetrics.PoolReader {
  @Override
  public long used(Object dataSource, Object config) {
    return Getters.getLong(dataSource, "getNumActive");
  }

  @Override
  public long idle(Object dataSource, Object config) {
    return Getters.getLong(dataSource, "getNumIdle");
  }

  @Override
  public long max(Object dataSource, Object config) {
    return Getters.getLong(dataSource, "getMaxTotal");
  }

  @Override
  public long idleMin(Object dataSource, Object config) {
    return Getters.getLong(dataSource, "getMinIdle");
  }

  @Override
  public long pending(Object dataSource, Object config) {
    // getConnectionPool() is protected: Getters makes it accessible once per class.
    return Getters.getLong(Getters.get(dataSource, "getConnectionPool"), "getNumWaiters");
  }
}
