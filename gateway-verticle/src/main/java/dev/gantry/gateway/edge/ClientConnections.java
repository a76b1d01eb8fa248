package dev.gantry.gateway.edge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open client connections per peer address, across every listener of the node. An address
 * leaves the table when its last connection closes, so the table never holds more entries than
 * there are open connections. With a cap set, a connection over it is closed as it is accepted.
 */
public final class ClientConnections {
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
  /** Most connections one address may hold, 0 for no cap (the gateway-wide ddos policy's). */
  private volatile int cap;

  /** Counts a new connection; whether it is within the cap. */
  boolean opened(String address) {
    int count = open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
    int max = cap;
    return max <= 0 || count <= max;
  }

  /** Sets the cap enforced as connections are accepted; 0 turns it off. */
  public void cap(int maxPerAddress) {
    this.cap = maxPerAddress;
  }

  void closed(String address) {
    open.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** Connections open from {@code address} now. */
  public int count(String address) {
    AtomicInteger count = open.get(address);
    return count == null ? 0 : count.get();
  }
}
