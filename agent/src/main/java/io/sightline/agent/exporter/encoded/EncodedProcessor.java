package io.sightline.agent.exporter.encoded;

import io.opentelemetry.sdk.common.CompletableResultCode;

/** What the span and the log record processor share: their batcher, its flush, shutdown and counts. */
abstract class EncodedProcessor {
  final EncodedBatcher<?, ?> batcher;

  EncodedProcessor(EncodedBatcher<?, ?> batcher) {
    this.batcher = batcher;
  }

  public CompletableResultCode forceFlush() {
    return batcher.forceFlush();
  }

  public CompletableResultCode shutdown() {
    return batcher.shutdown();
  }

  long dropped() {
    return batcher.dropped();
  }

  long exported() {
    return batcher.exported();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + batcher + "}";
  }
}
