package io.sightline.agent.exporter.encoded;

import io.opentelemetry.sdk.common.CompletableResultCode;

/** What the span and the log record processor share: their batcher, queueing, flush and shutdown. */
abstract class EncodedProcessor<T> {
  private final EncodedBatcher<T, ?> batcher;

  EncodedProcessor(EncodedBatcher<T, ?> batcher) {
    this.batcher = batcher;
  }

  /** Queues {@code item} unless the processor is shut down. */
  final void enqueue(T item) {
    if (!batcher.isShutdown()) {
      batcher.add(item);
    }
  }

  public CompletableResultCode forceFlush() {
    return batcher.forceFlush();
  }

  public CompletableResultCode shutdown() {
    return batcher.shutdown();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + batcher + "}";
  }
}
