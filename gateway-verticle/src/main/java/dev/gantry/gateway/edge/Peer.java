package dev.gantry.gateway.edge;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The address of the socket a request came on. Asked through the connection: the request Vert.x
 * Web hands a route is a wrapper whose {@code remoteAddress()} first works out the request's
 * forwarded scheme, host and address from its headers only to answer with the connection's
 * address.
 *
 * <p>The address as text is what the forwarding headers, the limit keys and the access log want,
 * and Vert.x formats it anew each time it is asked (about 1 % of a proxied request). A connection
 * keeps one address object for its life, so a small direct-mapped cache by that object's identity
 * keeps the text of the last connections; two sharing a slot only format again. Entries are
 * immutable and their fields final: a slot written on one event loop is safe to read on another.
 */
public final class Peer {
  private static final int SLOTS = 512;
  private static final AtomicReferenceArray<Known> TEXT = new AtomicReferenceArray<>(SLOTS);

  private record Known(SocketAddress address, String text) {}

  private Peer() {}

  /** The peer's socket address, or null when the request has none (a test's request view). */
  public static SocketAddress address(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    return connection != null ? connection.remoteAddress() : request.remoteAddress();
  }

  /** The peer's IP address as text, or null. */
  public static String hostAddress(HttpServerRequest request) {
    return hostAddress(address(request));
  }

  /** {@code address}'s IP address as text, or null (none, or not an IP socket). */
  public static String hostAddress(SocketAddress address) {
    if (address == null) {
      return null;
    }
    int slot = System.identityHashCode(address) & (SLOTS - 1);
    Known known = TEXT.getPlain(slot);
    if (known != null && known.address == address) {
      return known.text;
    }
    String text = address.hostAddress();
    if (text != null) {
      TEXT.setPlain(slot, new Known(address, text));
    }
    return text;
  }
}
