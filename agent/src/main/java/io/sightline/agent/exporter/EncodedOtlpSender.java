package io.sightline.agent.exporter;

import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.marshal.Serializer;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.internal.HttpExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sightline.agent.exporter.encoded.EncodedSender;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.api.Suppression;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Sends requests the encoded processors ({@code exporter.encoded}) have already written, through the
 * SDK's own OTLP/HTTP exporter of the signal: its endpoint, headers, compression, timeout, TLS,
 * retry policy and self-metrics, all as {@code otel.exporter.otlp.*} configured them. Only the
 * marshalling is skipped: the exporter's {@code HttpExporter} (the part that sends a marshaler) is
 * handed a marshaler that writes the request's bytes as they are.
 *
 * <p>The {@code HttpExporter} is a private field of {@link OtlpHttpSpanExporter} and
 * {@link OtlpHttpLogRecordExporter} in the SDK version the agent bundles; {@link #of} checks that it
 * is there, and when it is not the SDK's own processors and exporters are kept.
 */
public final class EncodedOtlpSender implements EncodedSender {
  private static final Field SPAN_DELEGATE = delegateField(OtlpHttpSpanExporter.class);
  private static final Field LOG_DELEGATE = delegateField(OtlpHttpLogRecordExporter.class);

  private final String signal;
  private final Supplier<Object> real;
  private final Field delegate;
  private final Supplier<CompletableResultCode> shutdown;
  private final Object description;
  private volatile HttpExporter http;
  private volatile boolean failed;

  private EncodedOtlpSender(String signal, Supplier<Object> real, Field delegate,
      Supplier<CompletableResultCode> shutdown, Object description) {
    this.signal = signal;
    this.real = real;
    this.delegate = delegate;
    this.shutdown = shutdown;
    this.description = description;
  }

  /**
   * A sender through {@code exporter} if it is the agent's (lazy) OTLP span exporter; null for any
   * other exporter (console, a composite of several, one from an extension).
   */
  public static EncodedOtlpSender of(SpanExporter exporter) {
    if (SPAN_DELEGATE == null || !(exporter instanceof LazyOtlp.LazySpanExporter)) {
      return null;
    }
    LazyOtlp.LazySpanExporter lazy = (LazyOtlp.LazySpanExporter) exporter;
    return new EncodedOtlpSender("spans", lazy::real, SPAN_DELEGATE, lazy::shutdown, lazy);
  }

  /** The same for the agent's (lazy) OTLP log record exporter. */
  public static EncodedOtlpSender of(LogRecordExporter exporter) {
    if (LOG_DELEGATE == null || !(exporter instanceof LazyOtlp.LazyLogRecordExporter)) {
      return null;
    }
    LazyOtlp.LazyLogRecordExporter lazy = (LazyOtlp.LazyLogRecordExporter) exporter;
    return new EncodedOtlpSender("log records", lazy::real, LOG_DELEGATE, lazy::shutdown, lazy);
  }

  @Override
  public CompletableResultCode send(byte[] request, int length, int itemCount) {
    HttpExporter exporter = httpExporter();
    if (exporter == null) {
      return CompletableResultCode.ofFailure();
    }
    // Untraced: the exporter's own HTTP calls must not become spans.
    try (Scope ignored = Suppression.suppress()) {
      return exporter.export(new EncodedRequest(request, length), itemCount);
    }
  }

  private HttpExporter httpExporter() {
    HttpExporter exporter = http;
    if (exporter != null || failed) {
      return exporter;
    }
    Object created = real.get();
    if (created == null) {
      return null; // LazyOtlp has warned
    }
    try {
      exporter = (HttpExporter) delegate.get(created);
    } catch (ReflectiveOperationException | RuntimeException e) {
      failed = true;
      AgentLog.warn("the OTLP exporter for " + signal + " is not the expected one (" + created + ", " + e
          + "); " + signal + " are not exported");
      return null;
    }
    http = exporter;
    return exporter;
  }

  @Override
  public CompletableResultCode shutdown() {
    return shutdown.get();
  }

  @Override
  public String toString() {
    return description.toString();
  }

  private static Field delegateField(Class<?> exporterClass) {
    try {
      Field field = exporterClass.getDeclaredField("delegate");
      if (field.getType() != HttpExporter.class) {
        return null;
      }
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** A request already in protobuf form, written as it is. */
  static final class EncodedRequest extends Marshaler {
    private final byte[] bytes;
    private final int length;

    EncodedRequest(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }

    @Override
    public int getBinarySerializedSize() {
      return length;
    }

    @Override
    protected void writeTo(Serializer output) throws IOException {
      output.writeSerializedMessage(Arrays.copyOf(bytes, length), "");
    }

    @Override
    public MessageWriter toBinaryMessageWriter() {
      return new MessageWriter() {
        @Override
        public void writeMessage(OutputStream output) throws IOException {
          output.write(bytes, 0, length);
        }

        @Override
        public int getContentLength() {
          return length;
        }
      };
    }
  }
}
