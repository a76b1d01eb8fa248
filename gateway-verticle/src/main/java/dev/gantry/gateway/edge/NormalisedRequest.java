package dev.gantry.gateway.edge;

import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.net.HostAndPort;

/**
 * A request seen through its normalised target: routing, rewrites and the upstream see this
 * path, never the one the client wrote. Only requests whose target changed are wrapped.
 */
final class NormalisedRequest extends HttpServerRequestWrapper {
  private final RequestTarget target;

  NormalisedRequest(HttpServerRequestInternal delegate, RequestTarget target) {
    super(delegate);
    this.target = target;
  }

  @Override
  public String uri() {
    return target.uri();
  }

  @Override
  public String path() {
    return target.path();
  }

  @Override
  public String query() {
    return target.query();
  }

  /**
   * The Host's authority, or — for an HTTP/1.0 request without Host — the one its absolute-form
   * target named (the edge checked it is a valid host[:port]).
   */
  @Override
  public HostAndPort authority() {
    HostAndPort sent = super.authority();
    return sent != null || target.authority() == null ? sent : HostAndPort.parseAuthority(target.authority(), -1);
  }

  @Override
  public String absoluteURI() {
    return scheme() + "://" + authority() + target.uri();
  }
}
