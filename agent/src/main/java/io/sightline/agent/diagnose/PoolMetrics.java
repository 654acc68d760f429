package io.sightline.agent.diagnose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Connection-pool metrics found in the file, per pool: waits for a connection
 * ({@code db.client.connection.wait_time}), pending requests, connections in use and the pool size.
 * The older {@code db.client.connections.*} names (wait time in ms) are read too.
 */
final class PoolMetrics {
  static final String WAIT_TIME = "db.client.connection.wait_time";
  static final String PENDING = "db.client.connection.pending_requests";
  private static final String COUNT = "db.client.connection.count";
  private static final String MAX = "db.client.connection.max";
  private static final String OLD_WAIT_TIME = "db.client.connections.wait_time";
  private static final String OLD_PENDING = "db.client.connections.pending_requests";
  private static final String OLD_USAGE = "db.client.connections.usage";
  private static final String OLD_MAX = "db.client.connections.max";
  private static final Set<String> NAMES =
      Set.of(WAIT_TIME, PENDING, COUNT, MAX, OLD_WAIT_TIME, OLD_PENDING, OLD_USAGE, OLD_MAX);

  /** Per pool and metric stream start: the latest cumulative wait histogram point. */
  private final Map<String, MetricPoint> cumulativeWaits = new HashMap<>();
  private final Map<String, Pool> pools = new TreeMap<>();

  static boolean isPoolMetric(String name) {
    return NAMES.contains(name);
  }

  /** What the file says about one pool; -1 where it has no data. */
  static final class Pool {
    final String name;
    long waits;
    double waitNanos;
    double maxWaitNanos = -1;
    double pendingPeak = -1;
    double usedPeak = -1;
    double max = -1;

    Pool(String name) {
      this.name = name;
    }

    double meanWaitNanos() {
      return waits == 0 ? 0 : waitNanos / waits;
    }
  }

  void add(MetricPoint point) {
    Pool pool = pools.computeIfAbsent(point.pool, Pool::new);
    switch (point.name) {
      case WAIT_TIME:
      case OLD_WAIT_TIME:
        if (point.temporality == MetricPoint.DELTA) {
          addWaits(pool, point);
        } else {
          String key = point.pool + '\u0000' + point.startNanos;
          MetricPoint previous = cumulativeWaits.get(key);
          if (previous == null || point.timeNanos >= previous.timeNanos) {
            cumulativeWaits.put(key, point);
          }
        }
        break;
      case PENDING:
      case OLD_PENDING:
        pool.pendingPeak = Math.max(pool.pendingPeak, point.value);
        break;
      case COUNT:
      case OLD_USAGE:
        if ("used".equals(point.state)) {
          pool.usedPeak = Math.max(pool.usedPeak, point.value);
        }
        break;
      default: // MAX, OLD_MAX
        pool.max = Math.max(pool.max, point.value);
    }
  }

  private static void addWaits(Pool pool, MetricPoint point) {
    double toNanos = unitNanos(point.unit);
    pool.waits += point.count;
    pool.waitNanos += point.sum * toNanos;
    if (!Double.isNaN(point.max)) {
      pool.maxWaitNanos = Math.max(pool.maxWaitNanos, point.max * toNanos);
    }
  }

  private static double unitNanos(String unit) {
    switch (unit) {
      case "ms":
        return 1e6;
      case "us":
        return 1e3;
      case "ns":
        return 1;
      default:
        return 1e9; // "s", the unit semantic conventions use
    }
  }

  boolean isEmpty() {
    return pools.isEmpty();
  }

  /** The pools, by name; a pool with an empty name is one whose points carry no pool name. */
  List<Pool> pools() {
    List<Pool> result = new ArrayList<>();
    Map<String, Pool> withWaits = new TreeMap<>();
    for (Pool pool : pools.values()) {
      Pool copy = new Pool(pool.name);
      copy.waits = pool.waits;
      copy.waitNanos = pool.waitNanos;
      copy.maxWaitNanos = pool.maxWaitNanos;
      copy.pendingPeak = pool.pendingPeak;
      copy.usedPeak = pool.usedPeak;
      copy.max = pool.max;
      withWaits.put(pool.name, copy);
    }
    for (MetricPoint point : cumulativeWaits.values()) {
      addWaits(withWaits.get(point.pool), point);
    }
    result.addAll(withWaits.values());
    return result;
  }
}
