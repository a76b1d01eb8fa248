package dev.gantry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Loopback ports nobody listens on right now. */
public final class FreePort {
  private FreePort() {}

  public static int pick() {
    return pick(1)[0];
  }

  /**
   * {@code count} distinct free ports, none of them in {@code besides}. The sockets are all held
   * open until every port is chosen: picking one at a time, the kernel may hand out a port just
   * closed again, and two listeners of one process would then share it.
   */
  public static int[] pick(int count, int... besides) {
    List<ServerSocket> held = new ArrayList<>();
    int[] ports = new int[count];
    try {
      int found = 0;
      while (found < count) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        int port = socket.getLocalPort();
        if (Arrays.stream(besides).noneMatch(p -> p == port)) {
          ports[found++] = port;
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a socket that never accepted: nothing to lose
        }
      }
    }
  }
}
