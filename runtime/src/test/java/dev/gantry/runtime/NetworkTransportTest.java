package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.config.ConfigException;
import dev.gantry.config.ConfigLoader;
import io.vertx.core.transport.Transport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code node.transport}: what auto picks, and a named transport that cannot run stops the start. */
class NetworkTransportTest {
  @Test
  void autoTakesTheFirstTransportThatRunsHereInOrderEpollIoUringNio() {
    Transport chosen = NetworkTransport.choose("auto");
    assertTrue(chosen.available(), chosen.name());
    Transport expected = Transport.EPOLL != null && Transport.EPOLL.available() ? Transport.EPOLL
        : Transport.IO_URING != null && Transport.IO_URING.available() ? Transport.IO_URING : Transport.NIO;
    assertSame(expected, chosen);
    assertEquals(chosen.name(), NetworkTransport.describe(chosen, "auto"));
    assertSame(Transport.NIO, NetworkTransport.choose("nio"));
  }

  @Test
  void aNamedTransportRunsOrStopsTheStartSayingWhy() {
    for (String name : new String[] {"io_uring", "epoll"}) {
      Transport transport = name.equals("epoll") ? Transport.EPOLL : Transport.IO_URING;
      if (transport != null && transport.available()) {
        assertSame(transport, NetworkTransport.choose(name));
      } else {
        String message = assertThrows(ConfigException.class, () -> NetworkTransport.choose(name)).getMessage();
        assertTrue(message.startsWith("config: node.transport: " + name + " "), message);
      }
    }
  }

  @Test
  void anUnknownTransportIsRefusedNamingTheKey() {
    assertEquals("config: node.transport: expected auto, io_uring, epoll or nio, got \"uring\" (env GANTRY_NODE_TRANSPORT)",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_NODE_TRANSPORT", "uring"),
            Map.of(), Map.of())).getMessage());
    assertEquals("auto", ConfigLoader.load(null, Map.of(), Map.of(), Map.of()).transport());
  }
}
