package io.sightline.instrumentation.runtime;

import io.opentelemetry.api.metrics.Meter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** jvm.cpu.time, jvm.cpu.count and jvm.cpu.recent_utilization. */
final class CpuMetrics {
  private CpuMetrics() {}

  static void register(Meter meter) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    // availableProcessors() honours the container's CPU limit.
    meter.upDownCounterBuilder("jvm.cpu.count").setUnit("{cpu}")
        .setDescription("Number of processors available to the Java virtual machine.")
        .buildWithCallback(m -> m.record(Runtime.getRuntime().availableProcessors()));
    if (!(os instanceof com.sun.management.OperatingSystemMXBean)) {
      return; // not a HotSpot-derived JVM: no process CPU figures
    }
    com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
    meter.counterBuilder("jvm.cpu.time").ofDoubles().setUnit("s")
        .setDescription("CPU time used by the process as reported by the JVM.")
        .buildWithCallback(m -> {
          long nanos = sun.getProcessCpuTime();
          if (nanos >= 0) {
            m.record(nanos / 1e9);
          }
        });
    meter.gaugeBuilder("jvm.cpu.recent_utilization").setUnit("1")
        .setDescription("Recent CPU utilization for the process as reported by the JVM.")
        .buildWithCallback(m -> {
          double load = sun.getProcessCpuLoad();
          if (load >= 0) {
            m.record(load);
          }
        });
  }
}
