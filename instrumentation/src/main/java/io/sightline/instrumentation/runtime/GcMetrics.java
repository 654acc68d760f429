package io.sightline.instrumentation.runtime;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.api.MetricBuckets;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * jvm.gc.duration: one measurement per collection, from the JVM's GC notifications (delivered on
 * a JMX thread, not an application thread).
 */
final class GcMetrics {
  static final String DURATION = "jvm.gc.duration";
  static final AttributeKey<String> NAME = AttributeKey.stringKey("jvm.gc.name");
  static final AttributeKey<String> ACTION = AttributeKey.stringKey("jvm.gc.action");
  /** The semantic conventions' advice for this histogram. */
  static final List<Double> BUCKETS = Arrays.asList(0.01, 0.1, 1.0, 10.0);

  private GcMetrics() {}

  static void register(Meter meter) {
    DoubleHistogram duration = meter.histogramBuilder(DURATION).setUnit("s")
        .setDescription("Duration of JVM garbage collection actions.")
        .setExplicitBucketBoundariesAdvice(MetricBuckets.forInstrument(DURATION, BUCKETS))
        .build();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!(gc instanceof NotificationEmitter)) {
        continue;
      }
      ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        try {
          GarbageCollectionNotificationInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          duration.record(info.getGcInfo().getDuration() / 1000.0,
              Attributes.of(NAME, info.getGcName(), ACTION, info.getGcAction()));
        } catch (RuntimeException e) {
          AgentLog.debug("runtime-telemetry: cannot read a GC notification: " + e);
        }
      }, notification -> GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType()), null);
    }
  }
}
