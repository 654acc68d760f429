package io.sightline.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AttributeSetsTest {
  private static final AttributeKey<String> A = AttributeKey.stringKey("a");
  private static final AttributeKey<String> B = AttributeKey.stringKey("b");
  private static final AttributeKey<Long> N = AttributeKey.longKey("n");

  private final AtomicInteger built = new AtomicInteger();
  private final AttributeSets sets = new AttributeSets((a, b, c, d, n) -> {
    built.incrementAndGet();
    return b == null ? Attributes.of(A, (String) a, N, n) : Attributes.of(A, (String) a, B, (String) b, N, n);
  });

  @Test
  void aCombinationSeenBeforeGetsTheSameInstanceWithoutBuildingAgain() {
    Attributes first = sets.get("GET", null, null, null, 200);
    // Equal values in other instances, as a request's method string is.
    Attributes again = sets.get(new String("GET"), null, null, null, 200);

    assertThat(again).isSameAs(first).isEqualTo(Attributes.of(A, "GET", N, 200L));
    assertThat(built).hasValue(1);
  }

  @Test
  void everyValueTellsCombinationsApartNullsIncluded() {
    Attributes get200 = sets.get("GET", null, null, null, 200);
    Attributes get500 = sets.get("GET", null, null, null, 500);
    Attributes post200 = sets.get("POST", null, null, null, 200);
    Attributes withB = sets.get("GET", "x", null, null, 200);

    assertThat(get200).isEqualTo(Attributes.of(A, "GET", N, 200L));
    assertThat(get500).isEqualTo(Attributes.of(A, "GET", N, 500L));
    assertThat(post200).isEqualTo(Attributes.of(A, "POST", N, 200L));
    assertThat(withB).isEqualTo(Attributes.of(A, "GET", B, "x", N, 200L));
    assertThat(sets.get("GET", null, "c", null, 200)).isNotSameAs(get200);
    assertThat(sets.get("GET", null, null, "d", 200)).isNotSameAs(get200);
  }

  @Test
  void manyMoreCombinationsThanSlotsStillGetTheirOwnSetsFromABoundedTable() {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 10 * AttributeSets.SIZE; i++) {
        assertThat(sets.get("route" + i, null, null, null, i)).isEqualTo(Attributes.of(A, "route" + i, N, (long) i));
      }
    }
    // Replaced entries are built again: at most one build per call, never a wrong set.
    assertThat(built.get()).isLessThanOrEqualTo(20 * AttributeSets.SIZE).isGreaterThan(10 * AttributeSets.SIZE);
  }
}
