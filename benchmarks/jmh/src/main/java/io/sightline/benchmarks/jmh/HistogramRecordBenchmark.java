package io.sightline.benchmarks.jmh;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.sightline.agent.metrics.OverflowWarningReader;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One histogram record of a request's duration, by one thread and by two at once (two request
 * threads on two cores), in a sampled span (an exemplar is offered) and outside one.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HistogramRecordBenchmark {
  /** The SDK's histogram handle, or the agent's (its readers' default: {@code StripedHistogramAggregation}). */
  @Param({"sdk", "striped"})
  public String recording;

  private OpenTelemetrySdk sdk;
  private SdkMeterProvider meters;
  private DoubleHistogram histogram;
  private Attributes attributes;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = Sdk.create(true);
    MetricReader reader = Sdk.metricReader();
    meters = SdkMeterProvider.builder()
        .registerMetricReader("striped".equals(recording) ? new OverflowWarningReader(reader, 2000) : reader)
        .build();
    histogram = meters.get("jmh").histogramBuilder("http.server.request.duration").setUnit("s").build();
    attributes = Attributes.of(AttributeKey.stringKey("http.request.method"), "GET",
        AttributeKey.stringKey("http.route"), "/work", AttributeKey.longKey("http.response.status_code"), 200L);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    meters.close();
    sdk.close();
  }

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class InSpan {
    Span span;
    Scope scope;
    double value;

    @Setup(Level.Iteration)
    public void enter(HistogramRecordBenchmark b) {
      span = b.sdk.getTracer("jmh").spanBuilder("request").startSpan();
      scope = span.makeCurrent();
    }

    @TearDown(Level.Iteration)
    public void exit() {
      scope.close();
      span.end();
    }
  }

  @Benchmark
  @Threads(1)
  public void oneThread(InSpan s) {
    s.value = s.value > 2 ? 0.001 : s.value + 0.0137;
    histogram.record(s.value, attributes);
  }

  @Benchmark
  @Threads(2)
  public void twoThreadsNoSpan(NoSpan s) {
    s.value = s.value > 2 ? 0.001 : s.value + 0.0137;
    histogram.record(s.value, attributes);
  }

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class NoSpan {
    double value;
  }

  @Benchmark
  @Threads(2)
  public void twoThreads(InSpan s) {
    s.value = s.value > 2 ? 0.001 : s.value + 0.0137;
    histogram.record(s.value, attributes);
  }
}
