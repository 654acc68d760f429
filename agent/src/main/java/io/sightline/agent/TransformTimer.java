package io.sightline.agent;

import io.sightline.bootstrap.AgentLog;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.utility.JavaModule;

/**
 * Under {@code otel.javaagent.debug=true} only (docs/benchmarks.md): how many class loads went
 * through the agent's transformer after premain, and the wall and CPU time spent there (matching,
 * and transforming what matched). Reported at shutdown, and on demand with {@link #report}.
 */
final class TransformTimer implements ResettableClassFileTransformer.WithDelegation.Callback<long[]> {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong wallNanos = new AtomicLong();
  private final AtomicLong cpuNanos = new AtomicLong();
  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

  @Override
  public long[] onBeforeTransform(JavaModule module, ClassLoader loader, String name, Class<?> redefined,
      ProtectionDomain protectionDomain, byte[] classFile) {
    // Nested transformations (a class loaded while matching another) are counted in the outer one.
    if (depth.get()[0]++ > 0) {
      return null;
    }
    return new long[] {System.nanoTime(), threads.getCurrentThreadCpuTime()};
  }

  @Override
  public void onAfterTransform(long[] start, JavaModule module, ClassLoader loader, String name, Class<?> redefined,
      ProtectionDomain protectionDomain, byte[] classFile) {
    depth.get()[0]--;
    if (start == null) {
      return;
    }
    calls.incrementAndGet();
    wallNanos.addAndGet(System.nanoTime() - start[0]);
    cpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - start[1]);
  }

  void report(String when) {
    AgentLog.debug("class transformer " + when + ": " + calls.get() + " classes, " + wallNanos.get() / 1_000_000
        + " ms (cpu " + cpuNanos.get() / 1_000_000 + " ms)");
  }
}
