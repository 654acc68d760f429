package io.sightline.agent.exporter.encoded;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.internal.JcTools;
import io.sightline.bootstrap.AgentLog;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The batching export path for OTLP over HTTP/protobuf, shared by spans ({@link EncodedSpanProcessor})
 * and log records ({@link EncodedLogRecordProcessor}): the same queue, batch, delay and timeout
 * semantics as the SDK's {@code BatchSpanProcessor} and {@code BatchLogRecordProcessor}
 * ({@code otel.bsp.*}, {@code otel.blrp.*}), but an item is encoded to protobuf on the thread that
 * ends or emits it, and only its bytes wait for the export.
 *
 * <p>Why: with the SDK's processors every ended span and emitted log record stays on the heap,
 * whole (the object, its attribute map, events, strings), until its batch has been sent, and is
 * then walked twice by the marshaler (sizes, then bytes). Under load that is thousands of live
 * objects at every young collection, which the collector copies (docs/benchmarks.md, "Sixth pass").
 * Here a queued item is one small object and one byte array, written once; the export request is
 * the concatenation of those arrays under their resource and scope headers.
 *
 * <p>The worker mirrors the SDK's: it wakes when a batch is full or the delay has passed, sends one
 * batch at a time and waits for it at most the export timeout. A full queue drops the item and
 * counts it (the SDK's {@code otel.sdk.processor.*.processed} with {@code error.type}, which the
 * drop monitor reports). An item that cannot be encoded is dropped with one warning; the
 * application never sees the failure.
 */
final class EncodedBatcher {
  private static final int SCRATCH_KEEP = 64 * 1024;
  private static final ThreadLocal<ProtoBuffer> SCRATCH = ThreadLocal.withInitial(() -> new ProtoBuffer(1024));
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> COMPONENT_TYPE = AttributeKey.stringKey("otel.component.type");
  private static final AttributeKey<String> COMPONENT_NAME = AttributeKey.stringKey("otel.component.name");

  /** What differs between signals: names for the thread, the warnings and the self-metrics. */
  static final class Signal {
    final String items;
    final String threadName;
    final String metricPrefix;
    final String unit;
    final String componentType;
    final String itemsDescription;
    final String meterScope;

    Signal(String items, String threadName, String metricPrefix, String unit, String componentType,
        String itemsDescription, String meterScope) {
      this.meterScope = meterScope;
      this.items = items;
      this.threadName = threadName;
      this.metricPrefix = metricPrefix;
      this.unit = unit;
      this.componentType = componentType;
      this.itemsDescription = itemsDescription;
    }
  }

  /** Writes one item into the buffer as a complete {@code Scope*.items} field. */
  interface Encoder<T> {
    void encode(ProtoBuffer out, T item);
  }

  private final Signal signalInfo;
  private final EncodedSender sender;
  private final Queue<EncodedItem> queue;
  private final int maxQueueSize;
  private final int maxBatchSize;
  private final long delayNanos;
  private final long timeoutNanos;
  private final AtomicInteger itemsNeeded = new AtomicInteger(Integer.MAX_VALUE);
  private final BlockingQueue<Boolean> signal = new ArrayBlockingQueue<>(1);
  private final AtomicReference<CompletableResultCode> flushRequested = new AtomicReference<>();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final AtomicBoolean encodingWarned = new AtomicBoolean();
  private final LongAdder exported = new LongAdder();
  private final LongAdder droppedQueueFull = new LongAdder();
  private final LongAdder droppedExportFailed = new LongAdder();
  private final LongAdder droppedUnencodable = new LongAdder();
  private volatile boolean continueWork = true;

  EncodedBatcher(Signal signalInfo, EncodedSender sender, int maxQueueSize, int maxBatchSize, long delayNanos,
      long timeoutNanos, Supplier<MeterProvider> meterProvider) {
    this.signalInfo = signalInfo;
    this.sender = sender;
    this.maxQueueSize = maxQueueSize;
    this.maxBatchSize = Math.min(maxBatchSize, maxQueueSize);
    this.delayNanos = delayNanos;
    this.timeoutNanos = timeoutNanos;
    this.queue = JcTools.newFixedSizeQueue(maxQueueSize);
    Thread worker = new Thread(new Worker(meterProvider), signalInfo.threadName);
    worker.setDaemon(true);
    worker.start();
  }

  boolean isShutdown() {
    return shutdown.get();
  }

  /**
   * Encodes {@code item} on the calling thread and queues its bytes. Never throws: an item that
   * cannot be encoded, or finds the queue full, is dropped and counted.
   */
  <T> void add(Encoder<T> encoder, T item, Resource resource, InstrumentationScopeInfo scope) {
    EncodedItem encoded;
    try {
      encoded = new EncodedItem(resource, scope, encode(encoder, item));
    } catch (RuntimeException e) {
      droppedUnencodable.increment();
      if (encodingWarned.compareAndSet(false, true)) {
        AgentLog.warn("a " + signalInfo.items + " record could not be encoded for export and was dropped (" + e
            + "); further ones are dropped silently and counted");
      }
      return;
    }
    if (!queue.offer(encoded)) {
      droppedQueueFull.increment();
    } else if (queue.size() >= itemsNeeded.get()) {
      signal.offer(Boolean.TRUE);
    }
  }

  static <T> byte[] encode(Encoder<T> encoder, T item) {
    ProtoBuffer scratch = SCRATCH.get();
    scratch.reset();
    encoder.encode(scratch, item);
    byte[] bytes = scratch.toByteArray();
    if (scratch.array().length > SCRATCH_KEEP) {
      SCRATCH.remove(); // one huge item does not pin a huge buffer to the thread
    }
    return bytes;
  }

  CompletableResultCode forceFlush() {
    if (shutdown.get()) {
      return CompletableResultCode.ofSuccess();
    }
    CompletableResultCode result = new CompletableResultCode();
    if (!flushRequested.compareAndSet(null, result)) {
      // A flush is already pending: this one completes with it.
      CompletableResultCode pending = flushRequested.get();
      return pending != null ? pending : CompletableResultCode.ofSuccess();
    }
    signal.offer(Boolean.TRUE);
    return result;
  }

  CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    CompletableResultCode result = new CompletableResultCode();
    CompletableResultCode flushed = new CompletableResultCode();
    while (!flushRequested.compareAndSet(null, flushed)) {
      CompletableResultCode pending = flushRequested.get();
      if (pending != null) {
        pending.join(timeoutNanos, TimeUnit.NANOSECONDS);
      }
    }
    signal.offer(Boolean.TRUE);
    flushed.whenComplete(() -> {
      continueWork = false;
      signal.offer(Boolean.TRUE);
      CompletableResultCode closed = sender.shutdown();
      closed.whenComplete(() -> {
        if (flushed.isSuccess() && closed.isSuccess()) {
          result.succeed();
        } else {
          result.fail();
        }
      });
    });
    return result;
  }

  @Override
  public String toString() {
    return "exporter=" + sender + ", maxQueueSize=" + maxQueueSize + ", maxExportBatchSize=" + maxBatchSize
        + ", scheduleDelay=" + TimeUnit.NANOSECONDS.toMillis(delayNanos) + "ms, exportTimeout="
        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + "ms";
  }

  /** Items dropped so far: queue full, failed exports, items that could not be encoded. */
  long dropped() {
    return droppedQueueFull.sum() + droppedExportFailed.sum() + droppedUnencodable.sum();
  }

  long exported() {
    return exported.sum();
  }

  /** An item's bytes (one {@code Scope*.items} field) and what it is grouped under. */
  static final class EncodedItem {
    final Resource resource;
    final InstrumentationScopeInfo scope;
    final byte[] bytes;

    EncodedItem(Resource resource, InstrumentationScopeInfo scope, byte[] bytes) {
      this.resource = resource;
      this.scope = scope;
      this.bytes = bytes;
    }
  }

  private final class Worker implements Runnable {
    private final Supplier<MeterProvider> meterProvider;
    private final List<EncodedItem> batch = new ArrayList<>();
    private final RequestWriter writer = new RequestWriter();
    private boolean metricsRegistered;
    private long nextExportTime;

    Worker(Supplier<MeterProvider> meterProvider) {
      this.meterProvider = meterProvider;
    }

    @Override
    public void run() {
      nextExportTime = System.nanoTime() + delayNanos;
      while (continueWork) {
        registerMetricsOnce();
        CompletableResultCode flush = flushRequested.get();
        if (flush != null) {
          flush(flush);
        }
        JcTools.drain(queue, maxBatchSize - batch.size(), batch::add);
        if (batch.size() >= maxBatchSize || System.nanoTime() >= nextExportTime) {
          exportBatch();
          nextExportTime = System.nanoTime() + delayNanos;
        }
        if (queue.isEmpty() && flushRequested.get() == null) {
          long wait = nextExportTime - System.nanoTime();
          if (wait > 0) {
            itemsNeeded.set(maxBatchSize - batch.size());
            try {
              signal.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            } finally {
              itemsNeeded.set(Integer.MAX_VALUE);
            }
          }
        }
      }
    }

    private void flush(CompletableResultCode result) {
      int remaining = queue.size();
      while (remaining > 0) {
        EncodedItem item = queue.poll();
        if (item == null) {
          break;
        }
        batch.add(item);
        remaining--;
        if (batch.size() >= maxBatchSize) {
          exportBatch();
        }
      }
      exportBatch();
      flushRequested.compareAndSet(result, null);
      result.succeed();
    }

    private void exportBatch() {
      if (batch.isEmpty()) {
        return;
      }
      int count = batch.size();
      try {
        RequestWriter.Request request = writer.write(batch);
        CompletableResultCode result = sender.send(request.bytes, request.length, count);
        result.join(timeoutNanos, TimeUnit.NANOSECONDS);
        if (result.isSuccess()) {
          exported.add(count);
        } else {
          droppedExportFailed.add(count);
        }
        if (!result.isDone()) {
          writer.abandonBuffer(); // the sender may still be reading it
        }
      } catch (RuntimeException e) {
        droppedExportFailed.add(count);
        AgentLog.debug(signalInfo.items + " export failed: " + e);
      } finally {
        batch.clear();
      }
    }

    /**
     * The processor's counters under the SDK's own names, once the SDK's meter provider is there
     * (it is built after the processors), read at collection time: nothing on the request path.
     */
    private void registerMetricsOnce() {
      if (metricsRegistered) {
        return;
      }
      MeterProvider provider = meterProvider.get();
      if (provider == null) {
        return;
      }
      metricsRegistered = true;
      String prefix = signalInfo.metricPrefix;
      String items = signalInfo.itemsDescription;
      Meter meter = provider.get(signalInfo.meterScope);
      Attributes component = Attributes.of(COMPONENT_TYPE, signalInfo.componentType,
          COMPONENT_NAME, signalInfo.componentType + "/0");
      Attributes queueFull = component.toBuilder().put(ERROR_TYPE, "queue_full").build();
      Attributes exportFailed = component.toBuilder().put(ERROR_TYPE, "export_failed").build();
      Attributes unencodable = component.toBuilder().put(ERROR_TYPE, "encoding_failed").build();
      // As the SDK's processors report them: a series appears once it has something to count.
      meter.counterBuilder(prefix + ".processed").setUnit(signalInfo.unit)
          .setDescription("The number of " + items + " for which the processing has finished, either successful or failed")
          .buildWithCallback(measurement -> {
            recordIfAny(measurement, exported.sum(), component);
            recordIfAny(measurement, droppedQueueFull.sum(), queueFull);
            recordIfAny(measurement, droppedExportFailed.sum(), exportFailed);
            recordIfAny(measurement, droppedUnencodable.sum(), unencodable);
          });
      meter.upDownCounterBuilder(prefix + ".queue.size").setUnit(signalInfo.unit)
          .setDescription("The number of " + items + " in the queue of a given instance of an SDK processor")
          .buildWithCallback(measurement -> measurement.record(queue.size(), component));
      meter.upDownCounterBuilder(prefix + ".queue.capacity").setUnit(signalInfo.unit)
          .setDescription("The maximum number of " + items + " the queue of a given instance of an SDK processor can hold")
          .buildWithCallback(measurement -> measurement.record(maxQueueSize, component));
    }
  }

  private static void recordIfAny(ObservableLongMeasurement measurement, long value, Attributes attributes) {
    if (value > 0) {
      measurement.record(value, attributes);
    }
  }

  /**
   * Writes a batch as one export request: per resource, per scope, the items' bytes as they are.
   * The scope and resource headers are encoded once and kept.
   */
  static final class RequestWriter {
    private static final int MAX_CACHED = 256;
    private final Map<InstrumentationScopeInfo, byte[]> scopes = new IdentityHashMap<>();
    private final Map<Resource, byte[]> resources = new IdentityHashMap<>();
    private final List<InstrumentationScopeInfo> scopeOrder = new ArrayList<>();
    private final List<Resource> resourceOrder = new ArrayList<>();
    private ProtoBuffer body = new ProtoBuffer(64 * 1024);

    static final class Request {
      final byte[] bytes;
      final int length;

      Request(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
      }
    }

    Request write(List<EncodedItem> batch) {
      body.reset();
      resourceOrder.clear();
      for (int i = 0; i < batch.size(); i++) {
        Resource resource = batch.get(i).resource;
        if (!containsIdentity(resourceOrder, resource)) {
          resourceOrder.add(resource);
        }
      }
      for (Resource resource : resourceOrder) {
        int resourceMark = body.begin(OtlpEncoding.REQUEST_RESOURCE_ITEMS);
        byte[] resourceBytes = cached(resources, resource, OtlpEncoding::resource);
        body.raw(resourceBytes, 0, resourceBytes.length);
        scopeOrder.clear();
        for (int i = 0; i < batch.size(); i++) {
          EncodedItem item = batch.get(i);
          if (item.resource == resource && !containsIdentity(scopeOrder, item.scope)) {
            scopeOrder.add(item.scope);
          }
        }
        for (InstrumentationScopeInfo scope : scopeOrder) {
          int scopeMark = body.begin(OtlpEncoding.RESOURCE_ITEMS_SCOPE_ITEMS);
          byte[] scopeBytes = cached(scopes, scope, OtlpEncoding::scope);
          body.raw(scopeBytes, 0, scopeBytes.length);
          for (int i = 0; i < batch.size(); i++) {
            EncodedItem item = batch.get(i);
            if (item.scope == scope && item.resource == resource) {
              body.raw(item.bytes, 0, item.bytes.length);
            }
          }
          body.optionalString(OtlpEncoding.SCOPE_ITEMS_SCHEMA_URL, scope.getSchemaUrl());
          body.end(scopeMark);
        }
        body.optionalString(OtlpEncoding.RESOURCE_ITEMS_SCHEMA_URL, resource.getSchemaUrl());
        body.end(resourceMark);
      }
      return new Request(body.array(), body.size());
    }

    private static <K> byte[] cached(Map<K, byte[]> cache, K key, Encoder<K> encoder) {
      byte[] bytes = cache.get(key);
      if (bytes == null) {
        if (cache.size() >= MAX_CACHED) {
          cache.clear();
        }
        ProtoBuffer buffer = new ProtoBuffer(256);
        encoder.encode(buffer, key);
        bytes = buffer.toByteArray();
        cache.put(key, bytes);
      }
      return bytes;
    }

    /** The last request's buffer may still be in use: the next request gets a new one. */
    void abandonBuffer() {
      body = new ProtoBuffer(64 * 1024);
    }

    private static boolean containsIdentity(List<?> list, Object item) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) == item) {
          return true;
        }
      }
      return false;
    }
  }
}
