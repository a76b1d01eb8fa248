package dev.gantry.gateway.edge;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address of the socket a request came on. Asked through the connection: the request Vert.x
 * Web hands a route is a wrapper whose {@code remoteAddress()} first works out the request's
 * forwarded scheme, host and address from its headers (on every request, though the router
 * trusts no forwarding header) only to answer with the connection's address.
 */
public final class Peer {
  private Peer() {}

  /** The peer's socket address, or null when the request has none (a test's request view). */
  public static SocketAddress address(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    return connection != null ? connection.remoteAddress() : request.remoteAddress();
  }

  /** The peer's IP address as text, or null. */
  public static String hostAddress(HttpServerRequest request) {
    SocketAddress peer = address(request);
    return peer == null ? null : peer.hostAddress();
  }
}
