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
import java.util.Arrays;
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
 * ({@code otel.bsp.*}, {@code otel.blrp.*}), the same items queued, but a batch is written to
 * protobuf in one pass on the worker and handed to the sender as bytes.
 *
 * <p>Why: the SDK's processor turns each queued span into {@code SpanData}, then its stateless
 * marshaler walks the batch twice (sizes, then bytes), and the sender's thread does the writing.
 * Here the worker encodes each item once into a reusable buffer, remembering where it starts and
 * ends, and the request is those slices copied under their resource and scope headers (encoded
 * once and kept); the sender only copies bytes. Nothing of this runs on the application's threads:
 * encoding there was measured to cost the request threads more than it saved.
 *
 * <p>The worker sends like the SDK's: a batch when it is full or the delay has passed, one batch at
 * a time, waiting for it at most the export timeout. Unlike the SDK's, it also wakes for every
 * {@value #WAKE_EVERY} items queued and encodes them then, so that queued spans and records die
 * young instead of waiting for a full batch (the SDK's queue holds half a batch on average, which
 * every young collection copies). While items keep coming it wakes on its own, on a timer set for
 * about as many items, so that no application thread pays for waking it. A full queue drops the
 * item and counts it (the SDK's {@code otel.sdk.processor.*.processed} with {@code error.type}, which the
 * drop monitor reports). An item that cannot be encoded is left out of its request, counted, and
 * reported in one warning; the application never sees the failure.
 */
final class EncodedBatcher<T, D> {
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> COMPONENT_TYPE = AttributeKey.stringKey("otel.component.type");
  private static final AttributeKey<String> COMPONENT_NAME = AttributeKey.stringKey("otel.component.name");
  /** The worker is woken once this many items are queued (or a batch is full, if smaller). */
  static final int WAKE_EVERY = 64;
  /**
   * While items come at this rate or more (per second), and for {@link #BUSY_LINGER_NANOS} after,
   * the worker wakes on its own, on a timer set for about {@link #WAKE_EVERY} items at that rate
   * but not sooner than {@link #MIN_BUSY_WAKE_NANOS}; only a full batch signals it.
   */
  static final long BUSY_RATE = 1_000;
  private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long MIN_BUSY_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  static final long BUSY_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

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
      this.items = items;
      this.threadName = threadName;
      this.metricPrefix = metricPrefix;
      this.unit = unit;
      this.componentType = componentType;
      this.itemsDescription = itemsDescription;
      this.meterScope = meterScope;
    }
  }

  /** Writes one item into the buffer as a complete {@code Scope*.items} field. */
  interface Encoder<D> {
    void encode(ProtoBuffer out, D item);
  }

  /** How a queued item ({@code T}) becomes the data ({@code D}) that is grouped and encoded. */
  interface Codec<T, D> extends Encoder<D> {
    /** Called on the worker, once per item. */
    D data(T item);

    Resource resource(D data);

    InstrumentationScopeInfo scope(D data);
  }

  private final Signal signalInfo;
  private final EncodedSender sender;
  private final Codec<T, D> codec;
  private final Queue<T> queue;
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

  EncodedBatcher(Signal signalInfo, Codec<T, D> codec, EncodedSender sender, int maxQueueSize, int maxBatchSize,
      long delayNanos, long timeoutNanos, Supplier<MeterProvider> meterProvider) {
    this.signalInfo = signalInfo;
    this.codec = codec;
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

  /** Queues {@code item}; a full queue drops and counts it. Never blocks, never throws. */
  void add(T item) {
    if (!queue.offer(item)) {
      droppedQueueFull.increment();
    } else if (queue.size() >= itemsNeeded.get()) {
      signal.offer(Boolean.TRUE);
    }
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

  private final class Worker implements Runnable {
    private final Supplier<MeterProvider> meterProvider;
    private final RequestWriter<T, D> writer = new RequestWriter<>(codec);
    private boolean metricsRegistered;
    private long nextExportTime;
    private long lastWake = System.nanoTime();
    private long busyUntil = lastWake;
    private long busyWakeNanos = MIN_BUSY_WAKE_NANOS;

    Worker(Supplier<MeterProvider> meterProvider) {
      this.meterProvider = meterProvider;
    }

    @Override
    public void run() {
      nextExportTime = System.nanoTime() + delayNanos;
      while (continueWork) {
        try {
          registerMetricsOnce();
        } catch (RuntimeException e) {
          AgentLog.debug(signalInfo.items + " processor metrics not registered: " + e);
        }
        CompletableResultCode flush = flushRequested.get();
        if (flush != null) {
          flush(flush);
        }
        long now = System.nanoTime();
        int drained = JcTools.drain(queue, maxBatchSize - writer.pending(), writer::append);
        long sinceLastWake = Math.max(1, Math.min(now - lastWake, SECOND_NANOS));
        long rate = drained * SECOND_NANOS / sinceLastWake;
        if (rate >= BUSY_RATE) {
          busyUntil = now + BUSY_LINGER_NANOS;
          busyWakeNanos = Math.max(MIN_BUSY_WAKE_NANOS, WAKE_EVERY * SECOND_NANOS / rate);
        }
        lastWake = now;
        if (writer.pending() >= maxBatchSize || System.nanoTime() >= nextExportTime) {
          exportBatch();
          nextExportTime = System.nanoTime() + delayNanos;
        }
        if (queue.isEmpty() && flushRequested.get() == null) {
          long wait = nextExportTime - System.nanoTime();
          if (wait > 0) {
            // Woken soon after items are queued, not only for a full batch: each is encoded
            // soon after it was queued, so few queued spans or records are alive when a young
            // collection runs (a full batch waiting in the queue was copied by each one).
            // While items keep coming, a timer wakes the worker: a signal would cost the
            // application thread that sends it a thread wake-up. Otherwise the items wake it.
            boolean busy = System.nanoTime() - busyUntil < 0;
            if (busy) {
              wait = Math.min(wait, busyWakeNanos);
            }
            int room = maxBatchSize - writer.pending();
            itemsNeeded.set(busy ? room : Math.min(WAKE_EVERY, room));
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
        T item = queue.poll();
        if (item == null) {
          break;
        }
        writer.append(item);
        remaining--;
        if (writer.pending() >= maxBatchSize) {
          exportBatch();
        }
      }
      exportBatch();
      flushRequested.compareAndSet(result, null);
      result.succeed();
    }

    private void exportBatch() {
      int count = writer.pending();
      if (count == 0) {
        return;
      }
      try {
        RequestWriter.Request request = writer.finish();
        if (request.unencodable > 0) {
          droppedUnencodable.add(request.unencodable);
          count -= request.unencodable;
          if (encodingWarned.compareAndSet(false, true)) {
            AgentLog.warn("a " + signalInfo.items + " could not be encoded for export and was dropped ("
                + request.firstError + "); further ones are dropped silently and counted");
          }
          if (count == 0) {
            return;
          }
        }
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
          .setDescription("The number of " + items
              + " for which the processing has finished, either successful or failed")
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
          .setDescription("The maximum number of " + items
              + " the queue of a given instance of an SDK processor can hold")
          .buildWithCallback(measurement -> measurement.record(maxQueueSize, component));
    }
  }

  private static void recordIfAny(ObservableLongMeasurement measurement, long value, Attributes attributes) {
    if (value > 0) {
      measurement.record(value, attributes);
    }
  }

  /**
   * Builds one export request item by item. Each item is encoded when it is appended, into a
   * scratch buffer (its start and end remembered, with its resource and scope); {@link #finish}
   * then copies those slices, per resource and per scope, under the resource and scope headers
   * (encoded once and kept). Nothing of an appended item is referenced afterwards. Both buffers are
   * reused from request to request; they grow to the largest batch and stay that size.
   */
  static final class RequestWriter<T, D> {
    private static final int MAX_CACHED = 256;
    private final Codec<T, D> codec;
    private final Map<InstrumentationScopeInfo, byte[]> scopes = new IdentityHashMap<>();
    private final Map<Resource, byte[]> resources = new IdentityHashMap<>();
    private final List<InstrumentationScopeInfo> scopeOrder = new ArrayList<>();
    private final List<Resource> resourceOrder = new ArrayList<>();
    private final ProtoBuffer items = new ProtoBuffer(64 * 1024);
    private int[] starts = new int[512];
    private int[] ends = new int[512];
    private Resource[] itemResources = new Resource[512];
    private InstrumentationScopeInfo[] itemScopes = new InstrumentationScopeInfo[512];
    private int count;
    private int unencodable;
    private RuntimeException firstError;
    private ProtoBuffer body = new ProtoBuffer(64 * 1024);

    RequestWriter(Codec<T, D> codec) {
      this.codec = codec;
    }

    static final class Request {
      final byte[] bytes;
      final int length;
      final int unencodable;
      final RuntimeException firstError;

      Request(byte[] bytes, int length, int unencodable, RuntimeException firstError) {
        this.bytes = bytes;
        this.length = length;
        this.unencodable = unencodable;
        this.firstError = firstError;
      }
    }

    /** Items appended since the last request, including those that could not be encoded. */
    int pending() {
      return count + unencodable;
    }

    /** Encodes {@code item} into the request being built; one that fails is left out and counted. */
    void append(T item) {
      int start = items.size();
      D data;
      try {
        data = codec.data(item);
        codec.encode(items, data);
      } catch (RuntimeException e) {
        items.truncate(start);
        unencodable++;
        if (firstError == null) {
          firstError = e;
        }
        return;
      }
      if (count == starts.length) {
        int capacity = count * 2;
        starts = Arrays.copyOf(starts, capacity);
        ends = Arrays.copyOf(ends, capacity);
        itemResources = Arrays.copyOf(itemResources, capacity);
        itemScopes = Arrays.copyOf(itemScopes, capacity);
      }
      starts[count] = start;
      ends[count] = items.size();
      itemResources[count] = codec.resource(data);
      itemScopes[count] = codec.scope(data);
      count++;
    }

    /**
     * The request for the items appended so far; the writer starts the next one empty, also when
     * this one fails (a failing request is dropped, never retried forever).
     */
    Request finish() {
      try {
        return request();
      } finally {
        Arrays.fill(itemResources, 0, count, null);
        Arrays.fill(itemScopes, 0, count, null);
        items.reset();
        count = 0;
        unencodable = 0;
        firstError = null;
      }
    }

    private Request request() {
      body.reset();
      resourceOrder.clear();
      for (int i = 0; i < count; i++) {
        if (!containsIdentity(resourceOrder, itemResources[i])) {
          resourceOrder.add(itemResources[i]);
        }
      }
      byte[] encoded = items.array();
      for (Resource resource : resourceOrder) {
        int resourceMark = body.begin(OtlpEncoding.REQUEST_RESOURCE_ITEMS);
        byte[] resourceBytes = cached(resources, resource, OtlpEncoding::resource);
        body.raw(resourceBytes, 0, resourceBytes.length);
        scopeOrder.clear();
        for (int i = 0; i < count; i++) {
          if (itemResources[i] == resource && !containsIdentity(scopeOrder, itemScopes[i])) {
            scopeOrder.add(itemScopes[i]);
          }
        }
        for (InstrumentationScopeInfo scope : scopeOrder) {
          int scopeMark = body.begin(OtlpEncoding.RESOURCE_ITEMS_SCOPE_ITEMS);
          byte[] scopeBytes = cached(scopes, scope, OtlpEncoding::scope);
          body.raw(scopeBytes, 0, scopeBytes.length);
          for (int i = 0; i < count; i++) {
            if (itemScopes[i] == scope && itemResources[i] == resource) {
              body.raw(encoded, starts[i], ends[i] - starts[i]);
            }
          }
          body.optionalString(OtlpEncoding.SCOPE_ITEMS_SCHEMA_URL, scope.getSchemaUrl());
          body.end(scopeMark);
        }
        body.optionalString(OtlpEncoding.RESOURCE_ITEMS_SCHEMA_URL, resource.getSchemaUrl());
        body.end(resourceMark);
      }
      return new Request(body.array(), body.size(), unencodable, firstError);
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
