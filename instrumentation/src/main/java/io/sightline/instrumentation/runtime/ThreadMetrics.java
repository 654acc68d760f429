package io.sightline.instrumentation.runtime;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/** jvm.thread.count by state and daemon flag. */
final class ThreadMetrics {
  static final AttributeKey<Boolean> DAEMON = AttributeKey.booleanKey("jvm.thread.daemon");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("jvm.thread.state");

  private ThreadMetrics() {}

  static void register(Meter meter) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Thread.State[] states = Thread.State.values();
    // [daemon ? 1 : 0][state]: built once, so a collection allocates only the counts.
    Attributes[][] attributes = new Attributes[2][states.length];
    for (Thread.State state : states) {
      String name = state.name().toLowerCase(Locale.ROOT);
      attributes[0][state.ordinal()] = Attributes.of(DAEMON, false, STATE, name);
      attributes[1][state.ordinal()] = Attributes.of(DAEMON, true, STATE, name);
    }
    meter.upDownCounterBuilder("jvm.thread.count").setUnit("{thread}")
        .setDescription("Number of executing platform threads.")
        .buildWithCallback(measurement -> {
          long[][] counts = new long[2][states.length];
          for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
            if (info != null) { // the thread ended meanwhile
              counts[info.isDaemon() ? 1 : 0][info.getThreadState().ordinal()]++;
            }
          }
          for (int d = 0; d < 2; d++) {
            for (int s = 0; s < states.length; s++) {
              if (counts[d][s] > 0) {
                measurement.record(counts[d][s], attributes[d][s]);
              }
            }
          }
        });
  }
}
