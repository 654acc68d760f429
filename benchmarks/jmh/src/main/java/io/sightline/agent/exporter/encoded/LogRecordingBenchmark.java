package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.sightline.agent.records.FlatLoggerProvider;
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
 * One application log line as the log bridge emits it (timestamp, severity, body, thread name and
 * id), with the SDK's record type and the agent's own: emitted and its data taken, as the agent's
 * batch processor does on the application's thread (what the request thread pays), and that plus
 * its OTLP encoding (both sides, one thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogRecordingBenchmark {
  private static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  private static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");

  @Param({"sdk", "agent"})
  public String records;

  private SdkLoggerProvider sdk;
  private Logger logger;
  private LogRecordData last;
  private EncodedBatcher.RequestWriter<LogRecordData, LogRecordData> writer;
  private int appended;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = SdkLoggerProvider.builder().addLogRecordProcessor(new LogRecordProcessor() {
      @Override
      public void onEmit(Context context, ReadWriteLogRecord logRecord) {
        last = logRecord.toLogRecordData();
      }
    }).build();
    LoggerProvider provider = records.equals("agent") ? FlatLoggerProvider.over(sdk) : sdk;
    logger = provider.get("org.example.OrderService");
    writer = new EncodedBatcher.RequestWriter<>(EncodedLogRecordProcessor.CODEC);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  private void emit() {
    logger.logRecordBuilder()
        .setTimestamp(1_700_000_000_123L, TimeUnit.MILLISECONDS)
        .setAttribute(THREAD_NAME, "http-nio-8080-exec-1")
        .setAttribute(THREAD_ID, 4242L)
        .setSeverity(Severity.INFO)
        .setSeverityText("INFO")
        .setBody("order 42 placed for customer 7")
        .emit();
  }

  @Benchmark
  public LogRecordData emitted() {
    emit();
    return last;
  }

  @Benchmark
  public int emittedAndEncoded() {
    emit();
    writer.append(last);
    if (++appended == 512) {
      appended = 0;
      return writer.finish().length;
    }
    return appended;
  }
}
