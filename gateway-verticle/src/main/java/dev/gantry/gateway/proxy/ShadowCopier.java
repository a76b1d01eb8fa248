package dev.gantry.gateway.proxy;

import dev.gantry.gateway.spec.HeaderOps;
import dev.gantry.gateway.spec.ShadowSpec;
import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Copies a request to a route's shadow target once the client's answer is on its way, and
 * compares the two answers. The client never waits for the copy.
 */
final class ShadowCopier {
  private final ProxyState state;
  private final HttpForwarder forwarder;

  ShadowCopier(ProxyState state, HttpForwarder forwarder) {
    this.state = state;
    this.forwarder = forwarder;
  }

  void copy(Exchange ex, ShadowSpec spec, Future<UpstreamCall.Answer> primary, Future<Buffer> primaryBody) {
    ShadowStats stats = state.shadow(ex.route().id());
    UpstreamPool pool = state.pool(spec.target().name());
    Endpoint endpoint = pool == null ? null : pool.choose(UpstreamCall.hashKey(pool, ex.call().request()), Set.of());
    if (endpoint == null) {
      stats.failed(new IllegalStateException("no shadow target available"));
      return;
    }
    stats.copied();
    endpoint.begin();
    long timeout = Math.max(1, ex.deadline() - System.currentTimeMillis());
    Future<HttpClientResponse> sent = forwarder.send(ex.call().request(), ex.call().envelope(), endpoint, ex.uri(), ex.body(), timeout,
        ex.route().requestHeaders().add().containsKey(ProxyHandler.SHADOW_HEADER) ? ex.route().requestHeaders()
            : withShadowHeader(ex.route().requestHeaders()), ex.maxBody());
    Future<Buffer> shadowBody = sent.compose(HttpForwarder::body);
    Future.all(primaryBody, shadowBody).onComplete(ar -> {
      endpoint.end();
      if (ar.failed()) {
        stats.failed(ar.cause());
        return;
      }
      stats.compare(primary.result().response().statusCode(), primaryBody.result(),
          sent.result().statusCode(), shadowBody.result(), spec.ignoreFields());
    });
  }

  static HeaderOps withShadowHeader(HeaderOps ops) {
    Map<String, String> add = new LinkedHashMap<>(ops.add());
    add.put(ProxyHandler.SHADOW_HEADER, "true");
    return new HeaderOps(add, ops.remove(), ops.rename());
  }
}
