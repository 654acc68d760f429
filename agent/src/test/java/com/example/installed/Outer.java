package com.example.installed;

import java.util.function.Supplier;

/** Loaded before the install (outside the agent's packages, which the installer ignores). */
public class Outer implements Supplier<String> {
  @Override
  public String get() {
    return "outer";
  }
}
