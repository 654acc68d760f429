package io.sightline.agent.exporter.encoded;

import io.opentelemetry.sdk.common.CompletableResultCode;

/** Sends one encoded OTLP export request. */
public interface EncodedSender {
  /**
   * Sends the first {@code length} bytes of {@code request}; they are the sender's until the result
   * completes (the caller does not reuse them before).
   */
  CompletableResultCode send(byte[] request, int length, int itemCount);

  CompletableResultCode shutdown();
}
