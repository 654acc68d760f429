package io.sightline.instrumentation.jdbc.pool;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.sightline.instrumentation.api.MetricBuckets;
import io.sightline.instrumentation.http.SemanticAttributes;
import io.sightline.instrumentation.api.RecentIdentityMap;
import io.sightline.instrumentation.api.WeakIdentityMap;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code db.client.connection.*} metrics of one pool library. Pools register when they are
 * created and unregister when closed; the gauges read every registered pool at collection time
 * through a {@link PoolReader}, so nothing is polled in between. A pool that is collected without
 * being closed drops out by itself (pools are held weakly).
 */
public final class ConnectionPoolMetrics {
  public static final AttributeKey<String> POOL_NAME = AttributeKey.stringKey("db.client.connection.pool.name");
  public static final AttributeKey<String> STATE = AttributeKey.stringKey("db.client.connection.state");
  public static final String WAIT_TIME = "db.client.connection.wait_time";
  public static final String USE_TIME = "db.client.connection.use_time";

  /**
   * What a pool library exposes; -1 from any method means "this pool cannot tell". {@code config}
   * is whatever was registered with the pool (its configuration object), or null.
   */
  public interface PoolReader {
    long used(Object pool, Object config);

    long idle(Object pool, Object config);

    long max(Object pool, Object config);

    long idleMin(Object pool, Object config);

    long pending(Object pool, Object config);
  }

  private interface Field {
    long read(Object pool, Object config);
  }

  /** One registered pool. */
  public static final class Pool {
    final WeakReference<Object> pool;
    final WeakReference<Object> config;
    final String name;
    final Attributes attributes;
    final Attributes used;
    final Attributes idle;

    Pool(Object pool, Object config, String name) {
      this.pool = new WeakReference<>(pool);
      this.config = new WeakReference<>(config);
      this.name = name;
      this.attributes = Attributes.of(POOL_NAME, name);
      this.used = Attributes.of(POOL_NAME, name, STATE, "used");
      this.idle = Attributes.of(POOL_NAME, name, STATE, "idle");
    }

    public String name() {
      return name;
    }
  }

  private final PoolReader reader;
  private final List<Pool> pools = new CopyOnWriteArrayList<>();
  private final WeakIdentityMap<Object, Pool> byPool = new WeakIdentityMap<>();
  /** Removed when returned: a borrow costs no weak reference unless another takes its slot meanwhile. */
  private final RecentIdentityMap<Object, Borrow> borrowed = new RecentIdentityMap<>();
  private final LongCounter timeouts;
  private final DoubleHistogram waitTime;
  private final DoubleHistogram useTime;

  public ConnectionPoolMetrics(OpenTelemetry openTelemetry, String instrumentationName, PoolReader reader) {
    this.reader = reader;
    Meter meter = openTelemetry.getMeter("io.sightline." + instrumentationName);
    meter.upDownCounterBuilder("db.client.connection.count")
        .setUnit("{connection}")
        .setDescription("The number of connections that are currently in state described by the state attribute.")
        .buildWithCallback(m -> {
          for (Pool p : live()) {
            Object pool = p.pool.get();
            Object config = p.config.get();
            record(m, reader.used(pool, config), p.used);
            record(m, reader.idle(pool, config), p.idle);
          }
        });
    gauge(meter, "db.client.connection.max", "{connection}",
        "The maximum number of open connections allowed.", reader::max);
    gauge(meter, "db.client.connection.idle.min", "{connection}",
        "The minimum number of idle open connections allowed.", reader::idleMin);
    gauge(meter, "db.client.connection.pending_requests", "{request}",
        "The number of current pending requests for an open connection.", reader::pending);
    this.timeouts = meter.counterBuilder("db.client.connection.timeouts")
        .setUnit("{timeout}")
        .setDescription("The number of connection timeouts that have occurred trying to obtain a connection from the pool.")
        .build();
    this.waitTime = meter.histogramBuilder(WAIT_TIME)
        .setUnit("s")
        .setDescription("The time it took to obtain an open connection from the pool.")
        .setExplicitBucketBoundariesAdvice(MetricBuckets.forInstrument(WAIT_TIME, SemanticAttributes.DURATION_BUCKETS))
        .build();
    this.useTime = meter.histogramBuilder(USE_TIME)
        .setUnit("s")
        .setDescription("The time between borrowing a connection and returning it to the pool.")
        .setExplicitBucketBoundariesAdvice(MetricBuckets.forInstrument(USE_TIME, SemanticAttributes.DURATION_BUCKETS))
        .build();
  }

  private void gauge(Meter meter, String name, String unit, String description, Field value) {
    meter.upDownCounterBuilder(name).setUnit(unit).setDescription(description).buildWithCallback(m -> {
      for (Pool p : live()) {
        record(m, value.read(p.pool.get(), p.config.get()), p.attributes);
      }
    });
  }

  private static void record(ObservableLongMeasurement measurement, long value, Attributes attributes) {
    if (value >= 0) {
      measurement.record(value, attributes);
    }
  }

  private List<Pool> live() {
    for (Pool p : pools) {
      if (p.pool.get() == null) { // collected without close()
        pools.remove(p);
      }
    }
    return pools;
  }

  /**
   * Starts reporting a pool; a second registration of the same pool is ignored. A name another
   * open pool of this library already reports under gets a suffix ({@code orders-2}): two unnamed
   * DBCP2 pools on one database would otherwise add up in one series.
   */
  public Pool register(Object pool, Object config, String name) {
    synchronized (byPool) {
      Pool known = byPool.get(pool);
      if (known != null) {
        return known;
      }
      Pool p = new Pool(pool, config, unique(name));
      byPool.put(pool, p);
      pools.add(p);
      timeouts.add(0, p.attributes); // the series exists, at zero, from the start
      return p;
    }
  }

  private String unique(String name) {
    String candidate = name;
    for (int n = 2; taken(candidate); n++) {
      candidate = name + "-" + n;
    }
    return candidate;
  }

  private boolean taken(String name) {
    for (Pool open : pools) {
      if (open.name.equals(name) && open.pool.get() != null) {
        return true;
      }
    }
    return false;
  }

  public void unregister(Object pool) {
    synchronized (byPool) {
      Pool p = byPool.remove(pool);
      if (p != null) {
        pools.remove(p);
      }
    }
  }

  public Pool pool(Object pool) {
    return byPool.get(pool);
  }

  /** A connection request ended: how long it waited, and whether it timed out. */
  public void acquired(Pool pool, long startNanos, Object connection, boolean timedOut) {
    long now = System.nanoTime();
    waitTime.record((now - startNanos) / 1e9, pool.attributes);
    if (timedOut) {
      timeouts.add(1, pool.attributes);
    }
    if (connection != null) {
      borrowed.put(connection, new Borrow(pool, now));
    }
  }

  /** A borrowed connection was closed (returned): its use time, once per borrow. */
  public void returned(Object connection) {
    Borrow borrow = borrowed.remove(connection);
    if (borrow != null) {
      useTime.record((System.nanoTime() - borrow.nanos) / 1e9, borrow.pool.attributes);
    }
  }

  private static final class Borrow {
    final Pool pool;
    final long nanos;

    Borrow(Pool pool, long nanos) {
      this.pool = pool;
      this.nanos = nanos;
    }
  }
}
