package dev.gantry.gateway.edge;

import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

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

  @Override
  public String absoluteURI() {
    return scheme() + "://" + authority() + target.uri();
  }
}
