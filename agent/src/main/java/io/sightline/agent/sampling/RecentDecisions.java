package io.sightline.agent.sampling;

/**
 * The last outcomes decided, direct-mapped by trace id: one slot written per local root, nothing
 * allocated. Not thread-safe; each stripe of a buffer keeps one under its lock.
 */
final class RecentDecisions {
  static final int UNKNOWN = -1;
  static final int DROPPED = 0;
  static final int KEPT = 1;
  private static final int SLOTS = 64;

  private final int[] hashes = new int[SLOTS];
  private final String[] ids = new String[SLOTS];
  private final boolean[] keep = new boolean[SLOTS];

  void record(String traceId, boolean kept) {
    int hash = traceId.hashCode();
    int slot = hash & (SLOTS - 1);
    hashes[slot] = hash;
    ids[slot] = traceId;
    keep[slot] = kept;
  }

  /** {@link #KEPT}, {@link #DROPPED}, or {@link #UNKNOWN} (not decided, or decided too long ago). */
  int lookup(String traceId) {
    int hash = traceId.hashCode();
    int slot = hash & (SLOTS - 1);
    if (hashes[slot] != hash || !traceId.equals(ids[slot])) {
      return UNKNOWN;
    }
    return keep[slot] ? KEPT : DROPPED;
  }
}
