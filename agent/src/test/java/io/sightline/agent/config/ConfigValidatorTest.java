package io.sightline.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.sightline.agent.exporter.OtlpFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValidatorTest {
  private final ExporterNames exporters = ExporterNames.discover(ConfigValidatorTest.class.getClassLoader());

  /** Bad settings warn and fall back: an empty path used to make the exporter write to the directory itself, and stop. */
  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void anEmptyOtlpFilePathWarnsOnceAndFallsBackToTheDefaultFile(String path) {
    Map<String, String> settings = Map.of("otel.traces.exporter", "otlp-file", OtlpFile.PATH, path);
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> overrides;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      overrides = ConfigValidator.validate(DefaultConfigProperties.createFromMap(settings), exporters);
    } finally {
      System.setErr(original);
    }
    assertThat(overrides).containsEntry(OtlpFile.PATH, OtlpFile.DEFAULT_PATH);
    List<String> warnings = Arrays.stream(err.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(line -> line.contains(OtlpFile.PATH))
        .collect(Collectors.toList());
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).startsWith("[sightline] WARN invalid value for sightline.otlp-file.path: '")
        .endsWith("'; using sightline-telemetry.jsonl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"out/telemetry.jsonl", "/var/log/app/otlp.jsonl"})
  void aPathIsLeftAsItIs(String path) {
    Map<String, String> overrides = ConfigValidator.validate(
        DefaultConfigProperties.createFromMap(Map.of(OtlpFile.PATH, path)), exporters);
    assertThat(overrides).doesNotContainKey(OtlpFile.PATH);
  }
}
