package io.sightline.benchmarks.jmh;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.sightline.instrumentation.logs.ContextMapHook;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * MDC injection as the Logback/SLF4J instrumentation does it: the hook that answers a log
 * event's MDC map with the trace fields added, inside a span and outside any span, then the reads
 * one appender makes of it: the trace id alone, as a pattern's {@code %X{trace_id}} reads it
 * ({@code traceIdOnly}), or that and every entry, as a JSON encoder reads them
 * ({@code allEntries}). {@code event} is the read-only view an event's snapshot gets,
 * {@code copy} the copy {@code MDC.getCopyOfContextMap()} gets.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MdcInjectionBenchmark {
  @Param({"in-span", "no-span"})
  public String current;

  @Param({"event", "copy"})
  public String map;

  private ContextMapHook hook;
  private final Map<String, String> mdc = new HashMap<>(Map.of("item.id", "42", "tenant", "acme"));
  private OpenTelemetrySdk sdk;
  private Span span;
  private Scope scope;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = Sdk.create(true);
    hook = new ContextMapHook("jmh-logback-mdc", map.equals("event"));
    if (current.equals("in-span")) {
      span = sdk.getTracer("jmh").spanBuilder("GET /work").startSpan();
      scope = span.makeCurrent();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (scope != null) {
      scope.close();
      span.end();
    }
    sdk.close();
  }

  @Benchmark
  @SuppressWarnings("unchecked")
  public Object traceIdOnly() {
    Object enriched = hook.enter(null, mdc, null);
    Map<String, String> read = enriched == null ? mdc : (Map<String, String>) enriched;
    return read.get("trace_id");
  }

  @Benchmark
  @SuppressWarnings("unchecked")
  public void allEntries(Blackhole blackhole) {
    Object enriched = hook.enter(null, mdc, null);
    Map<String, String> read = enriched == null ? mdc : (Map<String, String>) enriched;
    blackhole.consume(read.get("trace_id"));
    for (Map.Entry<String, String> entry : read.entrySet()) {
      blackhole.consume(entry.getKey());
      blackhole.consume(entry.getValue());
    }
  }
}
