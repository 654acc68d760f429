package io.sightline.instrumentation.runtime;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** jvm.memory.used, .committed, .limit and .used_after_last_gc per pool. */
final class MemoryMetrics {
  static final AttributeKey<String> TYPE = AttributeKey.stringKey("jvm.memory.type");
  static final AttributeKey<String> POOL = AttributeKey.stringKey("jvm.memory.pool.name");

  private MemoryMetrics() {}

  static void register(Meter meter) {
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
    List<Attributes> attributes = new ArrayList<>(pools.size());
    for (MemoryPoolMXBean pool : pools) {
      attributes.add(Attributes.of(TYPE, pool.getType() == MemoryType.HEAP ? "heap" : "non_heap", POOL, pool.getName()));
    }
    meter.upDownCounterBuilder("jvm.memory.used").setUnit("By")
        .setDescription("Measure of memory used.")
        .buildWithCallback(m -> observe(m, pools, attributes, MemoryPoolMXBean::getUsage, MemoryUsage::getUsed));
    meter.upDownCounterBuilder("jvm.memory.committed").setUnit("By")
        .setDescription("Measure of memory committed.")
        .buildWithCallback(m -> observe(m, pools, attributes, MemoryPoolMXBean::getUsage, MemoryUsage::getCommitted));
    meter.upDownCounterBuilder("jvm.memory.limit").setUnit("By")
        .setDescription("Measure of max obtainable memory.")
        .buildWithCallback(m -> observe(m, pools, attributes, MemoryPoolMXBean::getUsage, MemoryUsage::getMax));
    meter.upDownCounterBuilder("jvm.memory.used_after_last_gc").setUnit("By")
        .setDescription("Measure of memory used, as measured after the most recent garbage collection event on this pool.")
        .buildWithCallback(m -> observe(m, pools, attributes, MemoryPoolMXBean::getCollectionUsage, MemoryUsage::getUsed));
  }

  private static void observe(ObservableLongMeasurement measurement, List<MemoryPoolMXBean> pools,
      List<Attributes> attributes, Function<MemoryPoolMXBean, MemoryUsage> usage, Function<MemoryUsage, Long> value) {
    for (int i = 0; i < pools.size(); i++) {
      MemoryPoolMXBean pool = pools.get(i);
      if (!pool.isValid()) {
        continue;
      }
      MemoryUsage current = usage.apply(pool);
      if (current == null) {
        continue; // the pool does not support this usage (collection usage of non-GC pools)
      }
      long v = value.apply(current);
      if (v >= 0) { // -1: undefined (no max)
        measurement.record(v, attributes.get(i));
      }
    }
  }
}
