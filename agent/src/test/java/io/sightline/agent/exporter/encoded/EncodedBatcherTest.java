package io.sightline.agent.exporter.encoded;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The queue, batching, flush, shutdown and drop accounting of the encoded export path. */
class EncodedBatcherTest {
  private static final Resource RESOURCE = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "t"));
  private static final InstrumentationScopeInfo SCOPE_A = InstrumentationScopeInfo.create("a");
  private static final InstrumentationScopeInfo SCOPE_B = InstrumentationScopeInfo.create("b");
  /** An item is a log record whose body is the given text, in scope "a" or, for text starting with "b:", "b". */
  private static final EncodedBatcher.Codec<String, String> BODIES = new EncodedBatcher.Codec<String, String>() {
    @Override
    public String data(String text) {
      if (text.startsWith("bad")) {
        throw new IllegalStateException("cannot encode " + text);
      }
      return text;
    }

    @Override
    public Resource resource(String text) {
      return RESOURCE;
    }

    @Override
    public InstrumentationScopeInfo scope(String text) {
      return text.startsWith("b:") ? SCOPE_B : SCOPE_A;
    }

    @Override
    public void encode(ProtoBuffer out, String text) {
      int mark = out.begin(OtlpEncoding.SCOPE_ITEMS_ITEMS);
      int body = out.begin(5);
      out.string(1, text.startsWith("b:") ? text.substring(2) : text);
      out.end(body);
      out.end(mark);
    }
  };
  private static final long NO_DELAY_SOON = TimeUnit.MILLISECONDS.toNanos(20);

  /** Records every request it is sent, decoded; answers as told. */
  private static final class RecordingSender implements EncodedSender {
    final List<ExportLogsServiceRequest> requests = Collections.synchronizedList(new ArrayList<>());
    volatile boolean fail;
    volatile CountDownLatch hold;
    volatile boolean shutDown;

    @Override
    public CompletableResultCode send(byte[] request, int length, int itemCount) {
      try {
        ExportLogsServiceRequest decoded = ExportLogsServiceRequest.parseFrom(Arrays.copyOf(request, length));
        assertThat(bodies(List.of(decoded))).hasSize(itemCount);
        requests.add(decoded);
        CountDownLatch latch = hold;
        if (latch != null) {
          latch.await(10, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return fail ? CompletableResultCode.ofFailure() : CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      shutDown = true;
      return CompletableResultCode.ofSuccess();
    }
  }

  private static List<String> bodies(List<ExportLogsServiceRequest> requests) {
    List<String> bodies = new ArrayList<>();
    for (ExportLogsServiceRequest request : requests) {
      for (ResourceLogs resource : request.getResourceLogsList()) {
        for (ScopeLogs scope : resource.getScopeLogsList()) {
          for (LogRecord record : scope.getLogRecordsList()) {
            bodies.add(scope.getScope().getName() + ":" + record.getBody().getStringValue());
          }
        }
      }
    }
    return bodies;
  }

  private static EncodedBatcher<String, String> batcher(RecordingSender sender, int queue, int batch, long delayNanos) {
    return new EncodedBatcher<>(EncodedLogRecordProcessor.LOGS, BODIES, sender, queue, batch, delayNanos,
        TimeUnit.SECONDS.toNanos(5), () -> null);
  }

  @Test
  void everyItemIsSentOnceInBatchesNoLargerThanTheBatchSizeGroupedByScope() {
    RecordingSender sender = new RecordingSender();
    EncodedBatcher<String, String> batcher = batcher(sender, 1000, 7, TimeUnit.SECONDS.toNanos(30));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      InstrumentationScopeInfo scope = i % 3 == 0 ? SCOPE_B : SCOPE_A;
      batcher.add((scope == SCOPE_B ? "b:" : "") + "item " + i);
      expected.add(scope.getName() + ":item " + i);
    }
    assertThat(batcher.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    assertThat(bodies(sender.requests)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(sender.requests).allSatisfy(request -> {
      assertThat(bodies(List.of(request)).size()).isLessThanOrEqualTo(7);
      List<String> scopes = new ArrayList<>();
      request.getResourceLogs(0).getScopeLogsList().forEach(s -> scopes.add(s.getScope().getName()));
      assertThat(scopes).doesNotHaveDuplicates();
      assertThat(request.getResourceLogs(0).getResource().getAttributes(0).getValue().getStringValue()).isEqualTo("t");
    });
    assertThat(batcher.exported()).isEqualTo(100);
    assertThat(batcher.dropped()).isZero();
    batcher.shutdown().join(5, TimeUnit.SECONDS);
  }

  @Test
  void theScheduleDelaySendsAPartialBatchWithoutAFlush() {
    RecordingSender sender = new RecordingSender();
    EncodedBatcher<String, String> batcher = batcher(sender, 100, 50, NO_DELAY_SOON);
    batcher.add("alone");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sender.requests.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(bodies(sender.requests)).containsExactly("a:alone");
    batcher.shutdown().join(5, TimeUnit.SECONDS);
  }

  @Test
  void aFullQueueDropsAndCountsWhileTheExportIsStuckAndNothingBlocksTheCaller() throws Exception {
    RecordingSender sender = new RecordingSender();
    sender.hold = new CountDownLatch(1);
    // A power of two: the SDK's queue rounds its capacity up to one.
    EncodedBatcher<String, String> batcher = batcher(sender, 16, 5, NO_DELAY_SOON);
    for (int i = 0; i < 5; i++) {
      batcher.add("first " + i);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sender.requests.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    // The worker now waits on the stuck export: 16 fit in the queue, 9 do not.
    long start = System.nanoTime();
    for (int i = 0; i < 25; i++) {
      batcher.add("later " + i);
    }
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
    assertThat(batcher.dropped()).isEqualTo(9);
    sender.hold.countDown();
    sender.hold = null;
    assertThat(batcher.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(bodies(sender.requests)).hasSize(21);
    assertThat(batcher.exported()).isEqualTo(21);
    batcher.shutdown().join(5, TimeUnit.SECONDS);
  }

  @Test
  void failedExportsAndUnencodableItemsAreCountedNotThrown() {
    // Four fail to export, one cannot be encoded: five dropped.
    RecordingSender sender = new RecordingSender();
    sender.fail = true;
    EncodedBatcher<String, String> batcher = batcher(sender, 100, 10, TimeUnit.SECONDS.toNanos(30));
    for (int i = 0; i < 4; i++) {
      batcher.add("x" + i);
    }
    batcher.add("bad one");
    assertThat(batcher.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(batcher.dropped()).isEqualTo(5);
    assertThat(batcher.exported()).isZero();
    batcher.shutdown().join(5, TimeUnit.SECONDS);
  }

  @Test
  void anItemThatCannotBeEncodedIsLeftOutOfItsRequestAndTheOthersGo() {
    RecordingSender sender = new RecordingSender();
    EncodedBatcher<String, String> batcher = batcher(sender, 100, 10, TimeUnit.SECONDS.toNanos(30));
    batcher.add("before");
    batcher.add("bad apple");
    batcher.add("b:after");
    assertThat(batcher.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(bodies(sender.requests)).containsExactlyInAnyOrder("a:before", "b:after");
    assertThat(batcher.dropped()).isEqualTo(1);
    assertThat(batcher.exported()).isEqualTo(2);
    batcher.shutdown().join(5, TimeUnit.SECONDS);
  }

  @Test
  void shutdownSendsWhatIsQueuedThenShutsTheSenderDownAndAcceptsNothingMore() {
    RecordingSender sender = new RecordingSender();
    EncodedBatcher<String, String> batcher = batcher(sender, 100, 10, TimeUnit.SECONDS.toNanos(30));
    for (int i = 0; i < 3; i++) {
      batcher.add("pending " + i);
    }
    assertThat(batcher.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(bodies(sender.requests)).containsExactlyInAnyOrder("a:pending 0", "a:pending 1", "a:pending 2");
    assertThat(sender.shutDown).isTrue();
    assertThat(batcher.isShutdown()).isTrue();
    assertThat(batcher.shutdown().isSuccess()).isTrue(); // a second call is harmless
  }
  @Test
  void queuedItemsAreEncodedAndReleasedLongBeforeTheirBatchIsSent() throws InterruptedException {
    RecordingSender sender = new RecordingSender();
    // A batch of 512 and a 30 s delay: none of these items is sent during the test.
    EncodedBatcher<String, String> batcher = batcher(sender, 2048, 512, TimeUnit.SECONDS.toNanos(30));
    List<WeakReference<String>> queued = new ArrayList<>();
    for (int i = 0; i < 3 * EncodedBatcher.WAKE_EVERY; i++) {
      String item = new String("item " + i); // a fresh object: nothing else refers to it
      queued.add(new WeakReference<>(item));
      batcher.add(item);
    }
    awaitCollected(queued);

    // The worker woke for every WAKE_EVERY items and encoded them: no item is kept until its batch
    // goes out (with the SDK's processors, up to a batch of spans waits in the queue).
    assertThat(queued).allSatisfy(ref -> assertThat(ref.get()).isNull());
    assertThat(sender.requests).isEmpty();
    assertThat(batcher.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(bodies(sender.requests)).hasSize(3 * EncodedBatcher.WAKE_EVERY).contains("a:item 0", "a:item 191");
  }

  @Test
  void whileItemsKeepComingTheWorkerWakesOnItsOwnForFewerThanWakeEvery() throws InterruptedException {
    RecordingSender sender = new RecordingSender();
    EncodedBatcher<String, String> batcher = batcher(sender, 2048, 512, TimeUnit.SECONDS.toNanos(30));
    for (int i = 0; i < EncodedBatcher.WAKE_EVERY; i++) {
      batcher.add("burst " + i); // wakes the worker: so many items so fast make it busy
    }
    Thread.sleep(10); // the burst is taken; the worker is busy for BUSY_LINGER_NANOS
    List<WeakReference<String>> queued = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String item = new String("item " + i);
      queued.add(new WeakReference<>(item));
      batcher.add(item); // fewer than WAKE_EVERY: no item signals the worker
    }
    awaitCollected(queued);

    assertThat(queued).allSatisfy(ref -> assertThat(ref.get()).isNull());
    assertThat(sender.requests).isEmpty();
    assertThat(batcher.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(bodies(sender.requests)).hasSize(EncodedBatcher.WAKE_EVERY + 16)
        .contains("a:burst 0", "a:item 15");
  }

  /** Collects until every referent is gone, or 10 s have passed. */
  private static void awaitCollected(List<WeakReference<String>> refs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (refs.stream().anyMatch(ref -> ref.get() != null) && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
  }
}
