package io.sightline.instrumentation.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerMetricsTest {
  @TempDir
  Path root;

  private void write(String file, String content) throws IOException {
    Path path = root.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content + "\n");
  }

  @Test
  void cgroupV2Limits() throws IOException {
    write("memory.max", "536870912");
    write("cpu.max", "150000 100000");
    assertThat(ContainerMetrics.memoryLimit(root)).isEqualTo(536870912L);
    assertThat(ContainerMetrics.cpuLimit(root)).isEqualTo(1.5);
  }

  @Test
  void cgroupV2WithoutLimits() throws IOException {
    write("memory.max", "max");
    write("cpu.max", "max 100000");
    assertThat(ContainerMetrics.memoryLimit(root)).isEqualTo(-1);
    assertThat(ContainerMetrics.cpuLimit(root)).isEqualTo(-1);
  }

  @Test
  void cgroupV1LimitsAndItsHugeNoLimitValue() throws IOException {
    write("memory/memory.limit_in_bytes", "1073741824");
    write("cpu/cpu.cfs_quota_us", "200000");
    write("cpu/cpu.cfs_period_us", "100000");
    assertThat(ContainerMetrics.memoryLimit(root)).isEqualTo(1073741824L);
    assertThat(ContainerMetrics.cpuLimit(root)).isEqualTo(2.0);
    write("memory/memory.limit_in_bytes", "9223372036854771712");
    write("cpu/cpu.cfs_quota_us", "-1");
    assertThat(ContainerMetrics.memoryLimit(root)).isEqualTo(-1);
    assertThat(ContainerMetrics.cpuLimit(root)).isEqualTo(-1);
  }

  @Test
  void noCgroupFilesMeansNoLimit() {
    assertThat(ContainerMetrics.memoryLimit(root)).isEqualTo(-1);
    assertThat(ContainerMetrics.cpuLimit(root)).isEqualTo(-1);
  }
}
