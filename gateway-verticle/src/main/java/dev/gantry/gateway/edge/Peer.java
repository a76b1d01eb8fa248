package dev.gantry.gateway.edge;

import dev.gantry.gateway.security.IdentityMemo;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address of the socket a request came on. Asked through the connection: the request Vert.x
 * Web hands a route is a wrapper whose {@code remoteAddress()} first works out the request's
 * forwarded scheme, host and address from its headers only to answer with the connection's
 * address.
 *
 * <p>The address as text is what the forwarding headers, the limit keys and the access log want,
 * and Vert.x formats it anew each time it is asked (about 1 % of a proxied request). A connection
 * keeps one address object for its life, so a small direct-mapped cache by that object's identity
 * keeps the text of the last connections ({@link IdentityMemo}); two sharing a slot only format
 * again. The text is the same string for every request of a connection, so what is worked out
 * from it can be found by its identity in turn.
 */
public final class Peer {
  private static final IdentityMemo<SocketAddress, String> TEXT = new IdentityMemo<>(4096);

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
    String known = TEXT.get(address);
    if (known != null) {
      return known;
    }
    String text = address.hostAddress();
    return text == null ? null : TEXT.put(address, text);
  }
}
