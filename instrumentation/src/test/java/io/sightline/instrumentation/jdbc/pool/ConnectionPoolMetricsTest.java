package io.sightline.instrumentation.jdbc.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

class ConnectionPoolMetricsTest {
  private static final ConnectionPoolMetrics.PoolReader NOTHING = new ConnectionPoolMetrics.PoolReader() {
    @Override
    public long used(Object pool, Object config) {
      return -1;
    }

    @Override
    public long idle(Object pool, Object config) {
      return -1;
    }

    @Override
    public long max(Object pool, Object config) {
      return -1;
    }

    @Override
    public long idleMin(Object pool, Object config) {
      return -1;
    }

    @Override
    public long pending(Object pool, Object config) {
      return -1;
    }
  };

  @Test
  void openPoolsOfOneNameAreToldApart() {
    ConnectionPoolMetrics metrics = new ConnectionPoolMetrics(OpenTelemetry.noop(), "test", NOTHING);
    Object first = new Object();
    Object second = new Object();
    Object third = new Object();
    // Two unnamed DBCP2 pools on one database are both named after it.
    assertThat(metrics.register(first, null, "orders").name()).isEqualTo("orders");
    assertThat(metrics.register(second, null, "orders").name()).isEqualTo("orders-2");
    assertThat(metrics.register(first, null, "orders").name()).as("the same pool again").isEqualTo("orders");

    metrics.unregister(first);
    assertThat(metrics.register(third, null, "orders").name()).as("the name is free again").isEqualTo("orders");
    assertThat(metrics.register(new Object(), null, "orders").name()).isEqualTo("orders-3");
  }
}
