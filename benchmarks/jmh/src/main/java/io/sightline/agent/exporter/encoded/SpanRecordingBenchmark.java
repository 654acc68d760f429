package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.sightline.agent.records.FlatTracerProvider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A JDBC-like CLIENT span (seven attributes at start, one after, an end) with the SDK's span type
 * and with the agent's own ({@code FlatTracerProvider}): recorded only (what the request thread
 * pays), and recorded then encoded to OTLP as the export worker does (both sides, one thread). In
 * the package of the encoder, whose request writer is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpanRecordingBenchmark {
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("db.namespace");
  private static final AttributeKey<String> QUERY = AttributeKey.stringKey("db.query.text");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("db.operation.name");
  private static final AttributeKey<String> COLLECTION = AttributeKey.stringKey("db.collection.name");
  private static final AttributeKey<String> ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<Long> ROWS = AttributeKey.longKey("db.response.returned_rows");

  @Param({"sdk", "agent"})
  public String spans;

  private SdkTracerProvider sdk;
  private Tracer tracer;
  private ReadableSpan last;
  private EncodedBatcher.RequestWriter<ReadableSpan, Object> writer;
  private int appended;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = SdkTracerProvider.builder().addSpanProcessor(new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {}

      @Override
      public boolean isStartRequired() {
        return false;
      }

      @Override
      public void onEnd(ReadableSpan span) {
        last = span;
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }
    }).build();
    TracerProvider provider = spans.equals("agent") ? FlatTracerProvider.over(sdk) : sdk;
    tracer = provider.get("io.sightline.jdbc");
    writer = new EncodedBatcher.RequestWriter<>(EncodedSpanProcessor.CODEC);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  private void record() {
    Span span = tracer.spanBuilder("SELECT shop.orders").setSpanKind(SpanKind.CLIENT)
        .setAttribute(SYSTEM, "postgresql").setAttribute(NAMESPACE, "shop")
        .setAttribute(QUERY, "SELECT id, total FROM orders WHERE customer_id = ?")
        .setAttribute(OPERATION, "SELECT").setAttribute(COLLECTION, "orders")
        .setAttribute(ADDRESS, "127.0.0.1").setAttribute(PORT, 5432L).startSpan();
    span.setAttribute(ROWS, 3L);
    span.setStatus(StatusCode.UNSET);
    span.end();
  }

  @Benchmark
  public ReadableSpan recorded() {
    record();
    return last;
  }

  @Benchmark
  public int recordedAndEncoded() {
    record();
    writer.append(last);
    if (++appended == 512) {
      appended = 0;
      return writer.finish().length;
    }
    return appended;
  }
}
