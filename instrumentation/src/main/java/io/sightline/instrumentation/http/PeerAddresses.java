package io.sightline.instrumentation.http;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The text of peers' IP addresses ({@code client.address}, {@code network.peer.address}), formatted
 * once per address rather than per request: a server's requests come from a few clients, load
 * balancers or proxies. Direct-mapped by address, one per slot, the newest wins, so the cache
 * stays bounded whatever the peers. IPv4 only: an IPv6 address's text carries its scope, which
 * {@link InetAddress#equals} ignores.
 */
public final class PeerAddresses {
  private static final int SLOTS = 64;
  private static final Entry[] SLOT = new Entry[SLOTS];

  private PeerAddresses() {}

  public static String text(InetAddress address) {
    if (!(address instanceof Inet4Address)) {
      return address.getHostAddress();
    }
    int slot = address.hashCode() & (SLOTS - 1); // the address itself: the last octet picks the slot
    Entry entry = SLOT[slot];
    if (entry != null && entry.address.equals(address)) {
      return entry.text;
    }
    String text = address.getHostAddress();
    SLOT[slot] = new Entry(address, text);
    return text;
  }

  /** Immutable, so that slots need no synchronisation. */
  private static final class Entry {
    final InetAddress address;
    final String text;

    Entry(InetAddress address, String text) {
      this.address = address;
      this.text = text;
    }
  }
}
