package io.sightline.instrumentation.jdbc.pool;

import io.sightline.bootstrap.Hook;
import io.sightline.bootstrap.Hooks;

/**
 * The four hooks every pool library needs, behind its own ids: pool created (self = pool,
 * arg0 = its configuration), pool closed (self = pool), connection request (enter/exit on the
 * pool, result = the connection) and connection returned (self = the borrowed connection). A pool
 * created before the agent was attached ({@code agentmain}) registers at its first successful
 * connection request.
 */
public final class PoolHooks {
  /** The pool's name for {@code db.client.connection.pool.name}. */
  public interface Namer {
    String name(Object pool, Object config);
  }

  /**
   * The configuration object the creation hook would have had, read from the pool: for a pool
   * created before the agent was attached, registered at its first connection request.
   */
  public interface ConfigOf {
    Object config(Object pool);
  }

  /** Whether what a connection request threw means it timed out. */
  public interface TimeoutTest {
    boolean isTimeout(Throwable thrown);
  }

  private PoolHooks() {}

  /** Registers the hooks; an id below 0 means the library offers no such site. */
  public static void register(String instrumentation, ConnectionPoolMetrics metrics, int createdId, int closedId,
      int getConnectionId, int connectionClosedId, Namer namer, ConfigOf configOf, TimeoutTest timeouts) {
    Hooks.register(createdId, new Hook(instrumentation) {
      @Override
      public Object enter(Object pool, Object config, Object unused) {
        if (pool != null && metrics.pool(pool) == null) {
          metrics.register(pool, config, namer.name(pool, config));
        }
        return null;
      }
    });
    Hooks.register(closedId, new Hook(instrumentation) {
      @Override
      public Object enter(Object pool, Object unused, Object unused2) {
        if (pool != null) {
          metrics.unregister(pool);
        }
        return null;
      }
    });
    Hooks.register(getConnectionId, new Hook(instrumentation) {
      @Override
      public Object enter(Object pool, Object unused, Object unused2) {
        return System.nanoTime();
      }

      @Override
      public void exit(Object state, Object pool, Object connection, Throwable thrown) {
        if (!(state instanceof Long)) {
          return;
        }
        ConnectionPoolMetrics.Pool registered = metrics.pool(pool);
        if (registered == null && thrown == null && pool != null) {
          // Created before the agent was attached (a pool that served a connection is open).
          Object config = configOf.config(pool);
          registered = metrics.register(pool, config, namer.name(pool, config));
        }
        if (registered != null) {
          metrics.acquired(registered, (Long) state, thrown == null ? connection : null,
              thrown != null && timeouts.isTimeout(thrown));
        }
      }
    });
    if (connectionClosedId >= 0) {
      Hooks.register(connectionClosedId, new Hook(instrumentation) {
        @Override
        public Object enter(Object connection, Object unused, Object unused2) {
          if (connection != null) {
            metrics.returned(connection);
          }
          return null;
        }
      });
    }
  }
}
