package io.sightline.agent.weave;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** What the test advice saw, in order. */
public final class WeaverEvents {
  private static final List<String> EVENTS = new ArrayList<>();

  private WeaverEvents() {}

  public static synchronized void add(String event) {
    EVENTS.add(event);
  }

  /** A supplier that marks what the original supplies. */
  public static Supplier<String> wrap(Supplier<?> original) {
    return () -> "wrapped " + original.get();
  }

  public static synchronized List<String> take() {
    List<String> taken = new ArrayList<>(EVENTS);
    EVENTS.clear();
    return taken;
  }
}
