package io.sightline.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {
  @Test
  void environmentVariableNames() {
    assertThat(AgentSettings.envName("otel.service.name")).isEqualTo("OTEL_SERVICE_NAME");
    assertThat(AgentSettings.envName("otel.instrumentation.java-http-server.enabled"))
        .isEqualTo("OTEL_INSTRUMENTATION_JAVA_HTTP_SERVER_ENABLED");
    assertThat(AgentSettings.envName("sightline.otlp-file.path")).isEqualTo("SIGHTLINE_OTLP_FILE_PATH");
  }

  @Test
  void systemPropertyIsReadAndTrimmed() {
    System.setProperty("sightline.test.value", "  42 ");
    try {
      assertThat(AgentSettings.get("sightline.test.value")).isEqualTo("42");
      assertThat(AgentSettings.get("sightline.test.missing", "fallback")).isEqualTo("fallback");
    } finally {
      System.clearProperty("sightline.test.value");
    }
  }

  @Test
  void booleanAcceptsOnlyTrueOrFalse() {
    System.setProperty("sightline.test.flag", "TRUE");
    try {
      assertThat(AgentSettings.getBoolean("sightline.test.flag", false)).isTrue();
      System.setProperty("sightline.test.flag", "yes");
      assertThat(AgentSettings.getBoolean("sightline.test.flag", false)).isFalse();
    } finally {
      System.clearProperty("sightline.test.flag");
    }
  }

  @Test
  void anInvalidBooleanWarnsOnceHoweverOftenItIsRead() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setProperty("sightline.test.twice", "ture");
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(AgentSettings.getBoolean("sightline.test.twice", true)).isTrue();
      assertThat(AgentSettings.getBoolean("sightline.test.twice", true)).isTrue();
    } finally {
      System.setErr(original);
      System.clearProperty("sightline.test.twice");
    }
    assertThat(err.toString(StandardCharsets.UTF_8).split("\n", -1))
        .filteredOn(line -> line.contains("invalid value for sightline.test.twice"))
        .containsExactly("[sightline] WARN invalid value for sightline.test.twice: 'ture' is not true or false; using true");
  }
}
