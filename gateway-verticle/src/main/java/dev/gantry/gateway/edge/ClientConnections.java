package dev.gantry.gateway.edge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open client connections per peer address, across every listener of the node. An address
 * leaves the table when its last connection closes, so the table never holds more entries than
 * there are open connections.
 */
public final class ClientConnections {
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  void opened(String address) {
    open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
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
