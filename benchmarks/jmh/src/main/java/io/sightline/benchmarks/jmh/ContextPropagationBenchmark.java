package io.sightline.benchmarks.jmh;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Handing the current context to a task through an executor wrapper ({@code
 * Context.taskWrapping}): the per-task cost context propagation adds. The executor runs tasks on
 * the calling thread, so the figure is the wrapper's cost and not a thread hand-off.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContextPropagationBenchmark {
  private final AtomicLong counter = new AtomicLong();
  private final Runnable task = counter::incrementAndGet;
  private final Executor direct = Runnable::run;
  private final Executor wrapped = Context.taskWrapping(direct);
  private OpenTelemetrySdk sdk;
  private Span span;
  private Scope scope;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = Sdk.create(true);
    span = sdk.getTracer("jmh").spanBuilder("parent").startSpan();
    scope = span.makeCurrent();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    scope.close();
    span.end();
    sdk.close();
  }

  @Benchmark
  public void plainExecutor() {
    direct.execute(task);
  }

  @Benchmark
  public void contextWrappingExecutor() {
    wrapped.execute(task);
  }
}
