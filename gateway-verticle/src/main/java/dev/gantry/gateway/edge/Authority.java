package dev.gantry.gateway.edge;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * The authority a request names (its Host, HTTP/2's {@code :authority}, or an absolute-form
 * target's), as the gateway uses it for forwarding headers and cache keys: without a port that is
 * its scheme's default, so {@code example.com} and {@code example.com:80} are one site, as Vert.x
 * Web's request wrapper had them.
 */
public final class Authority {
  private Authority() {}

  /** The request's authority less its scheme's default port, or null when it names none. */
  public static String of(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null) {
      return null;
    }
    int port = authority.port();
    int standard = request.isSSL() ? 443 : 80;
    return port < 0 || port == standard ? authority.host() : authority.toString();
  }
}
