package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClientUrlTest {
  private final QueryRedactor redactor = new QueryRedactor(Arrays.asList("token", "key"));

  @Test
  void removesUserInfoAndFragmentAndRedactsQuery() {
    ClientUrl url = ClientUrl.parse("https://bob:pw@api.example.com:8443/v1/items?api_key=abc&page=2#top", redactor);
    assertThat(url.full).isEqualTo("https://api.example.com:8443/v1/items?api_key=REDACTED&page=2");
    assertThat(url.host).isEqualTo("api.example.com");
    assertThat(url.port).isEqualTo(8443);
  }

  @Test
  void aUrlInTheQueryLosesItsUserInfoAndSensitiveValuesToo() {
    ClientUrl url = ClientUrl.parse(
        "https://api.example.com/login?next=https%3A%2F%2Fbob%3Apw%40idp.example.com%2Fcb%3Ftoken%3Dabc&page=2", redactor);
    assertThat(url.full).isEqualTo("https://api.example.com/login?next=https%3A%2F%2Fidp.example.com%2Fcb%3Ftoken%3DREDACTED&page=2");
    assertThat(url.host).isEqualTo("api.example.com");
  }

  @Test
  void aRelativeUrlWithAUrlInItsQueryHasNoHost() {
    ClientUrl url = ClientUrl.parse("/login?next=https://bob:pw@idp.example.com/cb?token=abc", redactor);
    assertThat(url.full).isEqualTo("/login?next=https://idp.example.com/cb?token=REDACTED");
    assertThat(url.host).isNull();
    assertThat(url.port).isEqualTo(-1);
  }

  @Test
  void defaultPortsAndIpv6() {
    assertThat(ClientUrl.parse("http://example.com", redactor).port).isEqualTo(80);
    assertThat(ClientUrl.parse("https://example.com/x", redactor).port).isEqualTo(443);
    ClientUrl v6 = ClientUrl.parse("http://[::1]:9000/p?token=t", redactor);
    assertThat(v6.host).isEqualTo("::1");
    assertThat(v6.port).isEqualTo(9000);
    assertThat(v6.full).isEqualTo("http://[::1]:9000/p?token=REDACTED");
  }

  @Test
  void theCacheParsesARepeatedUrlOnceAndNeverMixesUpUrlsSharingASlot() {
    ClientUrl.Cache cache = new ClientUrl.Cache(redactor);
    ClientUrl first = cache.parse("https://bob:pw@api.example.com/v1/items?token=abc");

    assertThat(cache.parse(new String("https://bob:pw@api.example.com/v1/items?token=abc"))).isSameAs(first);
    assertThat(first.full).isEqualTo("https://api.example.com/v1/items?token=REDACTED");

    // "Aa" and "BB" have the same hash, so these two URLs always share a slot.
    ClientUrl aa = cache.parse("http://example.com/Aa");
    ClientUrl bb = cache.parse("http://example.com/BB");
    assertThat(bb.full).isEqualTo("http://example.com/BB");
    assertThat(cache.parse("http://example.com/BB")).isSameAs(bb);
    assertThat(cache.parse("http://example.com/Aa")).isNotSameAs(aa).isNotSameAs(bb);
    assertThat(cache.parse("http://example.com/Aa").full).isEqualTo("http://example.com/Aa");
    for (int i = 0; i < 1_000; i++) {
      String url = "http://h" + i + ".example.com:" + (1000 + i) + "/p?key=" + i;
      ClientUrl parsed = cache.parse(url);
      assertThat(parsed.host).isEqualTo("h" + i + ".example.com");
      assertThat(parsed.port).isEqualTo(1000 + i);
      assertThat(parsed.full).isEqualTo("http://h" + i + ".example.com:" + (1000 + i) + "/p?key=REDACTED");
    }
    assertThat(cache.parse(null).full).isNull();
  }
}
