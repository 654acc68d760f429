package io.sightline.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentIdentityMapTest {
  /** Calls of equals/hashCode on any key: the map must never make one (identity only). */
  private static final AtomicInteger KEY_CALLS = new AtomicInteger();

  private final RecentIdentityMap<Key, String> map = new RecentIdentityMap<>();

  @Test
  void findsTheValuePutForAKey() {
    Key a = new Key();
    Key b = new Key();
    map.put(a, "a");
    map.put(b, "b");

    assertThat(map.get(a)).isEqualTo("a");
    assertThat(map.get(b)).isEqualTo("b");
    assertThat(map.get(new Key())).isNull();
  }

  @Test
  void aKeyPutAgainIsFoundWithItsNewestValue() {
    Key cached = new Key(); // a driver's statement cache hands out the same statement again
    map.put(cached, "SELECT 1");
    map.put(cached, "SELECT 2");

    assertThat(map.get(cached)).isEqualTo("SELECT 2");
  }

  @Test
  void aRemovedKeyIsForgottenWhenItsSlotIsTakenAndNoKeyIsEverCalled() {
    int callsBefore = KEY_CALLS.get();
    Key first = new Key();
    map.put(first, "first");
    assertThat(map.remove(first)).isEqualTo("first");

    takeSlotOf(first);

    assertThat(map.get(first)).isNull();
    assertThat(map.olderSize()).isZero();
    assertThat(KEY_CALLS.get()).isEqualTo(callsBefore);
  }

  @Test
  void aKeyPushedOutBeforeItsRemoveIsStillFoundAndRemovedOnce() {
    Key longLived = new Key();
    map.put(longLived, "kept");
    takeSlotOf(longLived);

    assertThat(map.get(longLived)).isEqualTo("kept");
    assertThat(map.olderSize()).isEqualTo(1);

    assertThat(map.remove(longLived)).isEqualTo("kept");
    assertThat(map.remove(longLived)).isNull();
    assertThat(map.get(longLived)).isNull();
    assertThat(map.olderSize()).isZero();
  }

  @Test
  void aKeyNeverRemovedIsKeptInTheWeakMap() {
    Key unseen = new Key(); // closed through a path without advice, or simply still open
    map.put(unseen, "unseen");
    takeSlotOf(unseen);

    assertThat(map.olderSize()).isEqualTo(1);
    assertThat(map.get(unseen)).isEqualTo("unseen");
  }

  @Test
  void aKeyPutTwiceIsForgottenWholeByOneRemove() {
    // A pool's proxy class and its generated subclass both declare prepareStatement: the same
    // statement is reported twice, and closed once.
    Key statement = new Key();
    map.put(statement, "SELECT 1");
    map.put(statement, "SELECT 1");

    assertThat(map.remove(statement)).isEqualTo("SELECT 1");
    takeSlotOf(statement);

    assertThat(map.olderSize()).isZero();
    assertThat(map.get(statement)).isNull();
  }

  @Test
  void removeGivesTheValueOnceAndGetNothingAfterwards() {
    Key k = new Key();
    map.put(k, "v");

    assertThat(map.remove(k)).isEqualTo("v");
    assertThat(map.remove(k)).isNull();
    assertThat(map.get(k)).isNull();
  }

  @Test
  void everyThreadFindsAndRemovesItsOwnKeysWhileOthersPutConcurrently() throws Exception {
    int threads = 8;
    int perThread = 20_000;
    AtomicInteger wrong = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        Key longLived = new Key(); // never removed until the end, so pushed out to the weak map
        map.put(longLived, "long " + id);
        for (int i = 0; i < perThread; i++) {
          Key k = new Key();
          String value = id + " " + (i % 7);
          map.put(k, value);
          if (!value.equals(map.get(k))) {
            wrong.incrementAndGet();
          }
          if (!value.equals(map.remove(k)) || map.remove(k) != null) {
            wrong.incrementAndGet();
          }
          if (!("long " + id).equals(map.get(longLived))) {
            wrong.incrementAndGet();
          }
        }
        if (!("long " + id).equals(map.remove(longLived))) {
          wrong.incrementAndGet();
        }
      });
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(wrong.get()).isZero();
    // Every key was removed in the end, including those another thread pushed out to the weak map
    // between their put and their remove: nothing is left there.
    assertThat(map.olderSize()).isZero();
  }

  @Test
  void aKeyPutAgainAfterItsEntryMovedOutIsFoundWithItsNewestValueAndRemovedWhole() {
    Key statement = new Key();
    map.put(statement, "old");
    takeSlotOf(statement); // moved to the weak map
    map.put(statement, "new"); // takes its slot back

    assertThat(map.get(statement)).isEqualTo("new");
    assertThat(map.remove(statement)).isEqualTo("new");
    assertThat(map.get(statement)).isNull();
    assertThat(map.olderSize()).isZero();
  }

  @Test
  void keysInOtherSlotsStayInTheTable() {
    Key a = new Key();
    map.put(a, "a");
    for (int i = 0; i < 10_000; i++) {
      Key k = new Key();
      if (RecentIdentityMap.slot(k) != RecentIdentityMap.slot(a)) {
        map.put(k, "v");
        map.remove(k);
      }
    }

    assertThat(map.olderSize()).isZero();
    assertThat(map.get(a)).isEqualTo("a");
  }

  /** Puts and removes another key in the slot of {@code key}, as a short-lived statement would. */
  private void takeSlotOf(Key key) {
    Key other = new Key();
    while (RecentIdentityMap.slot(other) != RecentIdentityMap.slot(key)) {
      other = new Key();
    }
    map.put(other, "other");
    map.remove(other);
  }

  /** A key that counts calls of its equals and hashCode. */
  private static final class Key {
    @Override
    public boolean equals(Object other) {
      KEY_CALLS.incrementAndGet();
      return this == other;
    }

    @Override
    public int hashCode() {
      KEY_CALLS.incrementAndGet();
      return System.identityHashCode(this);
    }
  }
}
