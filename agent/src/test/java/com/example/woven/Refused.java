package com.example.woven;

import java.util.function.Supplier;

/** Loaded only by WeaverFallbackTest, after its install. */
public final class Refused implements Supplier<String> {
  @Override
  public String get() {
    return "refused";
  }
}
