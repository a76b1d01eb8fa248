package dev.gantry.gateway.security;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What was last worked out from an object, found again by that object's identity: a small
 * direct-mapped cache for per-request work whose input is one long-lived object — a connection's
 * address, a verified token's principal, a limit key held by that principal. Two objects sharing
 * a slot only work it out again; nothing is ever found for an equal object that is not the same
 * one. Bounded (at most {@code slots} entries, each holding its key strongly) and lock-free:
 * entries are immutable with final fields, so a slot written on one event loop is safe to read on
 * another, and a lost write is only a miss.
 *
 * @param <K> what the value is worked out from
 * @param <V> the value
 */
public final class IdentityMemo<K, V> {
  private final AtomicReferenceArray<Entry<K, V>> slots;
  private final int mask;

  private record Entry<K, V>(K key, V value) {}

  /** @param slots a power of two */
  public IdentityMemo(int slots) {
    if (slots <= 0 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two: " + slots);
    }
    this.slots = new AtomicReferenceArray<>(slots);
    this.mask = slots - 1;
  }

  /** The value last put for this very object, or null. */
  public V get(K key) {
    Entry<K, V> e = slots.getPlain(System.identityHashCode(key) & mask);
    return e != null && e.key == key ? e.value : null;
  }

  /** Remembers {@code value} for {@code key} (replacing whatever shared its slot); returns {@code value}. */
  public V put(K key, V value) {
    slots.setPlain(System.identityHashCode(key) & mask, new Entry<>(key, value));
    return value;
  }
}
