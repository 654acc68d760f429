package io.sightline.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The paired windows' ratios are taken cycle by cycle, against no agent's window of the same cycle. */
class PairedWindowsTest {

  private static PairedWindows.Sample window(int cycle, double throughput) {
    return new PairedWindows.Sample(cycle, throughput, 3.0, 100, 0.1, 0);
  }

  private static Map<String, List<PairedWindows.Sample>> samples() {
    Map<String, List<PairedWindows.Sample>> samples = new LinkedHashMap<>();
    // No agent drifts from 15,000 to 11,000 req/s; the agent follows it at 0.80, 0.95, 0.90.
    samples.put("none", List.of(window(0, 15_000), window(1, 11_000), window(2, 12_000)));
    samples.put("sightline", List.of(window(0, 12_000), window(1, 10_450), window(2, 10_800)));
    return samples;
  }

  @Test
  void theRatioIsTheMedianOfTheCyclesRatiosNotTheRatioOfTheMedians() {
    Map<String, List<PairedWindows.Sample>> samples = new LinkedHashMap<>();
    samples.put("none", List.of(window(0, 15_000), window(1, 11_000), window(2, 11_500)));
    samples.put("sightline", List.of(window(0, 14_000), window(1, 9_900), window(2, 10_000)));
    // cycles: 0.933, 0.900, 0.870, median 0.900; the medians' ratio would be 10,000 / 11,500 = 0.870
    assertEquals(0.90, PairedWindows.medianRatio(samples, "sightline"), 1e-9);
  }

  @Test
  void noRatioWithoutNoAgentsWindows() {
    Map<String, List<PairedWindows.Sample>> samples = new LinkedHashMap<>(samples());
    samples.remove("none");
    assertTrue(Double.isNaN(PairedWindows.medianRatio(samples, "sightline")));
  }

  @Test
  void theSectionListsEveryCycleAndTheMedianRatio() throws Exception {
    Path app = java.nio.file.Files.createTempFile("app", ".jar");
    Path agent = java.nio.file.Files.createTempFile("agent", ".jar");
    try {
      Options options = Options.parse(new String[] {"--app", app.toString(), "--paired", "3", "--paired-seconds", "10"});
      List<AgentConfig> configs = List.of(new AgentConfig("none", null), new AgentConfig("sightline", agent));

      String md = PairedWindows.markdown(options, configs, samples());

      assertTrue(md.contains("| 1 | 15000 | 12000 | 0.80 |"), md);
      assertTrue(md.contains("| 2 | 11000 | 10450 | 0.95 |"), md);
      assertTrue(md.contains("| 3 | 12000 | 10800 | 0.90 |"), md);
      assertTrue(md.contains("| median | 12000 | 10800 | **0.90** |"), md);
    } finally {
      java.nio.file.Files.delete(app);
      java.nio.file.Files.delete(agent);
    }
  }
}
