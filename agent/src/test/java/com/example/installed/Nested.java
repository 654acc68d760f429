package com.example.installed;

import java.util.function.Supplier;

/** Named only as a string in the tests, until the matcher of {@link Outer} loads it. */
public class Nested implements Supplier<String> {
  @Override
  public String get() {
    return "nested";
  }
}
