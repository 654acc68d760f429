package io.sightline.benchmarks.jmh;

import io.sightline.instrumentation.api.RecentIdentityMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A prepared statement's (or a pooled connection's) life in {@link RecentIdentityMap}: put when
 * prepared, looked up when executed, removed when closed, by two request threads sharing the map
 * as they share a JDBC instrumentation. With two threads on two cores, what a look-up reads that
 * the other core has just written is what it costs.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecentIdentityMapBenchmark {
  private static final Object VALUE = new Object();
  private final RecentIdentityMap<Object, Object> map = new RecentIdentityMap<>();

  @Benchmark
  @Group("twoThreads")
  @GroupThreads(2)
  public Object putGetRemove() {
    return statementLife();
  }

  @Benchmark
  @Group("oneThread")
  @GroupThreads(1)
  public Object putGetRemoveAlone() {
    return statementLife();
  }

  private Object statementLife() {
    Object statement = new Object();
    map.put(statement, VALUE);
    Object found = map.get(statement);
    map.remove(statement);
    return found;
  }
}
