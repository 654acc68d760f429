package com.example.woven;

import java.util.function.Supplier;

/** Loaded only by WeaverFallbackTest, after its install. */
public final class Plain implements Supplier<String> {
  @Override
  public String get() {
    return "plain";
  }
}
