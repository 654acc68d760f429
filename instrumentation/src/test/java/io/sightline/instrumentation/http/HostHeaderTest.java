package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostHeaderTest {
  @Test
  void splitsHostAndPortOfEachForm() {
    assertThat(HostHeader.host("example.com:8080")).isEqualTo("example.com");
    assertThat(HostHeader.port("example.com:8080")).isEqualTo(8080);
    assertThat(HostHeader.host("example.com")).isEqualTo("example.com");
    assertThat(HostHeader.port("example.com")).isEqualTo(-1);
    assertThat(HostHeader.host("[::1]:8443")).isEqualTo("::1");
    assertThat(HostHeader.port("[::1]:8443")).isEqualTo(8443);
    assertThat(HostHeader.host("[::1]")).isEqualTo("::1");
    assertThat(HostHeader.port("[::1]")).isEqualTo(-1);
    assertThat(HostHeader.port("[fe80::1%25eth0]")).isEqualTo(-1);
  }

  @Test
  void aPortThatIsNotOneIsNone() {
    assertThat(HostHeader.port("example.com:")).isEqualTo(-1);
    assertThat(HostHeader.port("example.com:80a")).isEqualTo(-1);
    assertThat(HostHeader.port("example.com:-80")).isEqualTo(-1);
    assertThat(HostHeader.port("example.com:+80")).isEqualTo(-1);
    assertThat(HostHeader.port("example.com:65536")).isEqualTo(-1);
    assertThat(HostHeader.port("example.com:99999999999")).isEqualTo(-1);
    assertThat(HostHeader.port("example.com:65535")).isEqualTo(65535);
    assertThat(HostHeader.port("example.com:0")).isEqualTo(0);
  }

  @Test
  void theKeptSplitNeverAnswersForAnotherHeader() {
    for (int round = 0; round < 3; round++) {
      for (String header : new String[] {"a.example:1", "b.example:2", "b.example:2", "[::2]:3", "a.example"}) {
        String expected = header.startsWith("[") ? "::2" : header.split(":")[0];
        assertThat(HostHeader.host(header)).as(header).isEqualTo(expected);
      }
    }
    String first = HostHeader.host(new String("c.example:80"));
    assertThat(HostHeader.host(new String("c.example:80"))).isSameAs(first);
  }
}
