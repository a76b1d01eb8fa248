package dev.gantry.runtime;

import dev.gantry.config.ConfigException;
import io.vertx.core.transport.Transport;

/**
 * The node's network transport, from {@code node.transport}. {@code auto} takes epoll, else
 * io_uring where the kernel allows it (a container's seccomp profile often forbids it), else Java
 * NIO. io_uring costs about a fifth less CPU per proxied request but, in Netty 4.2.9 under Vert.x
 * 5.0.7, drops the answer to a client that half-closes its side right after sending (epoll
 * answers a locally refused request then): so it is taken only when asked for by name. A
 * transport asked for by name that cannot run here stops the start naming why.
 */
final class NetworkTransport {
  private NetworkTransport() {}

  static Transport choose(String setting) {
    return switch (setting) {
      case "auto" -> usable(Transport.EPOLL) ? Transport.EPOLL
          : usable(Transport.IO_URING) ? Transport.IO_URING : Transport.NIO;
      case "io_uring" -> required(Transport.IO_URING, setting);
      case "epoll" -> required(Transport.EPOLL, setting);
      case "nio" -> Transport.NIO;
      default -> throw new ConfigException("config: node.transport: expected auto, io_uring, epoll or nio, got \""
          + setting + "\"");
    };
  }

  /** What the start-up line says: the transport's name, and why a native one was passed over. */
  static String describe(Transport chosen, String setting) {
    if (chosen != Transport.NIO || !setting.equals("auto")) {
      return chosen.name();
    }
    Transport epoll = Transport.EPOLL;
    Throwable cause = epoll == null ? null : epoll.unavailabilityCause();
    return "nio (no native transport here" + (cause == null ? "" : ": " + cause.getMessage()) + ")";
  }

  private static boolean usable(Transport transport) {
    return transport != null && transport.available();
  }

  private static Transport required(Transport transport, String name) {
    if (transport == null) {
      throw new ConfigException("config: node.transport: " + name + " is not in this build");
    }
    if (!transport.available()) {
      Throwable cause = transport.unavailabilityCause();
      throw new ConfigException("config: node.transport: " + name + " cannot run here"
          + (cause == null ? "" : ": " + cause.getMessage()));
    }
    return transport;
  }
}
