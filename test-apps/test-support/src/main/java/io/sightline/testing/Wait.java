package io.sightline.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds; fails with the last value seen. */
public final class Wait {
  private Wait() {}

  public static <T> T until(Supplier<T> supplier, Predicate<T> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T value = supplier.get();
    while (!condition.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; last seen: " + value);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      value = supplier.get();
    }
    return value;
  }
}
