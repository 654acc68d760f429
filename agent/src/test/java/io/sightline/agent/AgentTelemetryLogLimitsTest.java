package io.sightline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The log limits that AgentTelemetry sets once in place of autoconfigure's per-record supplier are
 * the ones the general attribute settings give, as OpenTelemetry derives them.
 */
class AgentTelemetryLogLimitsTest {
  private static String loggerProviderOf(Map<String, String> properties) {
    properties.put("otel.traces.exporter", "none");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.forEach(System::setProperty);
    AgentTelemetry telemetry = null;
    try {
      telemetry = AgentTelemetry.start(AgentTelemetry.class.getClassLoader(), "test");
      String sdk = telemetry.openTelemetry().toString();
      return sdk.substring(sdk.indexOf("SdkLoggerProvider{"));
    } finally {
      if (telemetry != null) {
        telemetry.shutdown(5_000);
      }
      properties.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  void attributeSettingsBecomeTheLogLimits() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("otel.attribute.value.length.limit", "7");
    properties.put("otel.attribute.count.limit", "3");
    assertThat(loggerProviderOf(properties))
        .contains("logLimits=LogLimits{maxNumberOfAttributes=3, maxAttributeValueLength=7}");
  }

  @Test
  void withoutSettingsTheLimitsAreOpenTelemetrysDefaults() {
    assertThat(loggerProviderOf(new LinkedHashMap<>()))
        .contains("logLimits=LogLimits{maxNumberOfAttributes=128, maxAttributeValueLength=2147483647}");
  }
}
