package dev.gantry.gateway.upstream;

import dev.gantry.gateway.spec.UpstreamSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients one event loop speaks to upstreams with: the plain HTTP/1.1 one it was given,
 * and one per other {@link UpstreamSpec.Transport} (HTTP/2, TLS with a CA bundle, a client
 * certificate, an SNI name), made on first use and kept while the loop runs. A pool's transport
 * is part of its spec, so pools that speak alike share a client and its connections.
 */
public final class UpstreamClients {
  private final Vertx vertx;
  private final HttpClient plain;
  private final Map<UpstreamSpec.Transport, HttpClient> others = new ConcurrentHashMap<>();

  public UpstreamClients(Vertx vertx, HttpClient plain) {
    this.vertx = vertx;
    this.plain = plain;
  }

  /** The Vert.x instance the clients belong to. */
  public Vertx vertx() {
    return vertx;
  }

  public HttpClient of(UpstreamSpec.Transport transport) {
    if (transport == UpstreamSpec.Transport.PLAIN || transport.equals(UpstreamSpec.Transport.PLAIN)) {
      return plain;
    }
    return others.computeIfAbsent(transport, this::create);
  }

  private HttpClient create(UpstreamSpec.Transport t) {
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setPipelining(false)
        .setMaxInitialLineLength(8192);
    if (t.h2()) {
      options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setUseAlpn(t.tls());
    }
    if (t.tls()) {
      options.setSsl(true).setForceSni(true);
      if (!t.verify()) {
        options.setTrustAll(true).setVerifyHost(false);
      } else {
        options.setVerifyHost(true);
        if (t.ca() != null) {
          options.setTrustOptions(new PemTrustOptions().addCertPath(t.ca()));
        }
      }
      if (t.cert() != null) {
        options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(t.cert()).setKeyPath(t.key()));
      }
    }
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(256).setHttp2MaxSize(4));
  }

  /** Closes the clients made here (not the plain one, which its owner closes). */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    others.values().forEach(c -> closing.add(c.close()));
    others.clear();
    return Future.join(closing).mapEmpty();
  }
}
