package io.sightline.agent;

import io.sightline.bootstrap.AgentLog;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Where premain time goes, under {@code otel.javaagent.debug=true} only (docs/benchmarks.md):
 * wall time and this thread's CPU time per phase. CPU time is what to compare on a busy machine,
 * where wall time mostly measures the wait for a core.
 */
final class StartupClock {
  private final ThreadMXBean threads;
  private final StringBuilder phases = new StringBuilder();
  private long wall;
  private long cpu;

  private StartupClock(ThreadMXBean threads) {
    this.threads = threads;
    this.wall = System.nanoTime();
    this.cpu = threads == null ? 0 : threads.getCurrentThreadCpuTime();
  }

  static StartupClock start() {
    // The management classes cost a few milliseconds to load: only when someone asks.
    return new StartupClock(AgentLog.isDebug() ? ManagementFactory.getThreadMXBean() : null);
  }

  void lap(String phase) {
    if (threads == null) {
      return;
    }
    long nowWall = System.nanoTime();
    long nowCpu = threads.getCurrentThreadCpuTime();
    phases.append(phases.length() == 0 ? "" : ", ").append(phase).append(' ')
        .append((nowWall - wall) / 1_000_000).append(" ms (cpu ").append((nowCpu - cpu) / 1_000_000).append(" ms)");
    wall = nowWall;
    cpu = nowCpu;
  }

  private static long processCpuMillis() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1_000_000 : -1;
  }

  /** Logs this thread's phases, then those of {@code other} (a thread it waited for), if any. */
  void report(StartupClock other) {
    if (threads != null) {
      AgentLog.debug("startup phases: " + phases + (other == null ? "" : "; on thread sightline-start: " + other.phases)
          + "; process cpu so far " + processCpuMillis() + " ms, jvm uptime " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
    }
  }
}
