package io.sightline.agent.exporter;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * The only OTLP/HTTP sender in the agent jar (the SDK finds it with {@code ServiceLoader}; the
 * SDK's sender on the JDK {@code HttpClient} is not bundled): {@link UrlConnectionSender}.
 */
public final class UrlConnectionSenderProvider implements HttpSenderProvider {
  @Override
  public HttpSender createSender(HttpSenderConfig config) {
    return new UrlConnectionSender(config);
  }
}
