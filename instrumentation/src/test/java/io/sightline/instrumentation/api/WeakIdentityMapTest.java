package io.sightline.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {
  @Test
  void keysAreComparedByIdentity() {
    WeakIdentityMap<Object, String> map = new WeakIdentityMap<>();
    String a = new String("task");
    String b = new String("task");
    map.put(a, "context-a");
    assertThat(map.get(a)).isEqualTo("context-a");
    assertThat(map.get(b)).isNull();
    assertThat(map.remove(a)).isEqualTo("context-a");
    assertThat(map.get(a)).isNull();
  }

  @Test
  void entriesOfCollectedKeysGoAway() throws InterruptedException {
    WeakIdentityMap<Object, String> map = new WeakIdentityMap<>();
    for (int i = 0; i < 1000; i++) {
      map.put(new Object(), "context");
    }
    Object kept = new Object();
    map.put(kept, "kept");
    for (int i = 0; i < 50 && map.size() > 1; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.get(kept)).isEqualTo("kept");
  }
}
