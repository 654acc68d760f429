package io.sightline.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PeerAddressesTest {
  @Test
  void formatsEachAddressAsTheJdkDoesWhateverWasCachedBefore() throws Exception {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 300; i++) { // more addresses than slots, sharing slots
        byte[] bytes = {10, (byte) (i / 256), (byte) i, (byte) (i * 7)};
        InetAddress address = InetAddress.getByAddress(bytes);
        assertThat(PeerAddresses.text(address)).isEqualTo(address.getHostAddress());
      }
    }
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    String first = PeerAddresses.text(loopback);
    assertThat(PeerAddresses.text(InetAddress.getByName("127.0.0.1"))).isSameAs(first).isEqualTo("127.0.0.1");
  }

  @Test
  void ipv6AddressesKeepTheirScope() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    assertThat(PeerAddresses.text(v6)).isEqualTo(v6.getHostAddress());
    InetAddress scoped = java.net.Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
    assertThat(PeerAddresses.text(scoped)).isEqualTo("fe80:0:0:0:0:0:0:1%3");
  }
}
