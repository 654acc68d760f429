package io.sightline.instrumentation.runtime;

import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The container's CPU and memory limits, when the JVM runs under a cgroup that sets them
 * (cgroup v2, then v1). The semantic conventions have no JVM-level name for these, hence the
 * {@code sightline.} prefix. Read once at start: limits of a running container rarely change.
 */
final class ContainerMetrics {
  private ContainerMetrics() {}

  static void register(Meter meter) {
    register(meter, Paths.get("/sys/fs/cgroup"));
  }

  static void register(Meter meter, Path cgroupRoot) {
    long memory = memoryLimit(cgroupRoot);
    double cpus = cpuLimit(cgroupRoot);
    if (memory > 0) {
      meter.upDownCounterBuilder("sightline.container.memory.limit").setUnit("By")
          .setDescription("Memory limit of the container the JVM runs in (cgroup).")
          .buildWithCallback(m -> m.record(memory));
    }
    if (cpus > 0) {
      meter.gaugeBuilder("sightline.container.cpu.limit").setUnit("{cpu}")
          .setDescription("CPU limit of the container the JVM runs in (cgroup quota / period).")
          .buildWithCallback(m -> m.record(cpus));
    }
  }

  /** Bytes, or -1 when unlimited or unknown. */
  static long memoryLimit(Path root) {
    String v2 = read(root.resolve("memory.max"));
    if (v2 != null) {
      return "max".equals(v2) ? -1 : parseLong(v2);
    }
    long v1 = parseLong(read(root.resolve("memory/memory.limit_in_bytes")));
    // cgroup v1 reports "no limit" as a huge page-rounded number.
    return v1 > 0 && v1 < Long.MAX_VALUE / 2 ? v1 : -1;
  }

  /** CPUs, or -1 when unlimited or unknown. */
  static double cpuLimit(Path root) {
    String v2 = read(root.resolve("cpu.max"));
    if (v2 != null) {
      String[] parts = v2.split("\\s+");
      if (parts.length == 2 && !"max".equals(parts[0])) {
        long quota = parseLong(parts[0]);
        long period = parseLong(parts[1]);
        return quota > 0 && period > 0 ? (double) quota / period : -1;
      }
      return -1;
    }
    long quota = parseLong(read(root.resolve("cpu/cpu.cfs_quota_us")));
    long period = parseLong(read(root.resolve("cpu/cpu.cfs_period_us")));
    return quota > 0 && period > 0 ? (double) quota / period : -1;
  }

  private static String read(Path file) {
    try {
      return Files.isReadable(file) ? new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long parseLong(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
