package io.sightline.agent.weave;

import java.util.function.Supplier;

/** The class the weaver tests weave, one method per advice form. */
public class WeaverTarget {
  private int counter;
  private final String label;

  public WeaverTarget() {
    this("plain");
  }

  public WeaverTarget(String label) {
    this.label = label;
  }

  public String greet(String name) {
    return "hello " + name + " from " + label;
  }

  public int divide(int a, int b) {
    if (b == 0) {
      throw new IllegalArgumentException("b is zero");
    }
    return a / b;
  }

  public static long twice(long value, double factor) {
    long local = value * 2;
    return factor > 0 ? local : -local;
  }

  public Object manyReturns(int x) {
    if (x == 0) {
      return "zero";
    } else if (x == 1) {
      return null;
    }
    try {
      if (x == 2) {
        throw new IllegalStateException("two");
      }
      return Integer.valueOf(x);
    } catch (IllegalStateException e) {
      return e.getMessage();
    } finally {
      counter++;
    }
  }

  public String call(Supplier<String> supplier) {
    return supplier.get();
  }

  public void write(String line) {
    WeaverEvents.add("write " + line);
  }

  public int counter() {
    return counter;
  }

  public void bump() {
    counter++;
  }

  public String label() {
    return label;
  }
}
