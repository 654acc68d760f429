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
  void defaultPortsAndIpv6() {
    assertThat(ClientUrl.parse("http://example.com", redactor).port).isEqualTo(80);
    assertThat(ClientUrl.parse("https://example.com/x", redactor).port).isEqualTo(443);
    ClientUrl v6 = ClientUrl.parse("http://[::1]:9000/p?token=t", redactor);
    assertThat(v6.host).isEqualTo("::1");
    assertThat(v6.port).isEqualTo(9000);
    assertThat(v6.full).isEqualTo("http://[::1]:9000/p?token=REDACTED");
  }
}
