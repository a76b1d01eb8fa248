package dev.gantry.gateway;

import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.gateway.edge.EdgeGuard;
import dev.gantry.gateway.edge.Http2Limits;
import dev.gantry.gateway.tls.ListenerCertificates;
import dev.gantry.gateway.upstream.UpstreamClients;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.net.ServerSSLOptions;
import dev.gantry.gateway.health.Draining;
import dev.gantry.gateway.health.HealthRoutes;
import dev.gantry.gateway.observe.RecentRequests;
import dev.gantry.gateway.observe.RequestObserver;
import dev.gantry.gateway.problem.ProblemResponder;
import dev.gantry.gateway.proxy.HttpForwarder;
import dev.gantry.gateway.proxy.ProxyHandler;
import dev.gantry.gateway.proxy.ProxyState;
import dev.gantry.gateway.request.RequestEnvelopeHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import dev.gantry.gateway.request.GatewayCall;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the gateway: an HTTP server on the gateway's port (Vert.x spreads the
 * accepted connections over every listener sharing it). Every request first passes the edge guard
 * (framing, Host, header syntax, the one path normalisation, client time limits), then the steps
 * every request takes, in order: draining, the request envelope, the observer, the request path
 * (gateway-wide policies, declared routes with their policies and targets — the reference API among
 * them), then health or 404 for what no route took, and the problem responder for what failed.
 * Each listener has its own upstream client, so a request and its upstream connection stay on one
 * event loop; the proxy state is the gateway's, shared.
 */
final class GatewayListener extends VerticleBase {
  private final GatewayOptions options;
  private final int port;
  private final HealthChecks readiness;
  private final MeterRegistry registry;
  private final RecentRequests recent;
  private final ProxyState state;
  private HttpClient client;
  private UpstreamClients upstreamClients;
  private ServiceCatalog catalog;
  private HttpServer server;
  private EdgeGuard guard;
  private final ListenerCertificates certificates;
  private final ServerSSLOptions ssl;
  private final Draining draining;

  /** @param certificates the listener's TLS, or null for plain HTTP; {@code ssl} what they read at start */
  GatewayListener(GatewayOptions options, int port, HealthChecks readiness, Draining draining, MeterRegistry registry,
      RecentRequests recent, ProxyState state, ListenerCertificates certificates, ServerSSLOptions ssl) {
    this.certificates = certificates;
    this.draining = draining;
    this.ssl = ssl;
    this.options = options;
    this.port = port;
    this.readiness = readiness;
    this.registry = registry;
    this.recent = recent;
    this.state = state;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setPipelining(false).setMaxInitialLineLength(8192), new PoolOptions().setHttp1MaxSize(256));
    catalog = ServiceCatalog.create(vertx);
    RequestObserver observer = new RequestObserver(registry, recent);
    RequestEnvelopeHandler envelopes = new RequestEnvelopeHandler(options.requestTimeoutMillis());
    upstreamClients = new UpstreamClients(vertx, client);
    ProxyHandler path = new ProxyHandler(vertx, state, new HttpForwarder(upstreamClients, certificates != null), catalog,
        options.requestTimeoutMillis(), options.maxBodyBytes());
    // Health answers after the gateway-wide policies (a denied or flooding client must not reach
    // the readiness checks, which query every backend) and only when no route matched.
    HealthRoutes unrouted = new HealthRoutes(readiness, draining);
    ProblemResponder problems = new ProblemResponder();
    Handler<HttpServerRequest> steps = request -> {
      GatewayCall call = new GatewayCall(request, unrouted, problems::failed);
      try {
        draining.handle(call);
        envelopes.handle(call);
        observer.handle(call);
        path.handle(call);
      } catch (Throwable e) { // an Error too (a stack overflow): every request gets an answer
        failed(call, e);
      }
    };
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.host())
        .setPort(port)
        .setTcpNoDelay(true)
        // a backstop for connections where nothing moves at all; never before keep-alive ends
        .setIdleTimeout((int) Math.max(60, options.edge().keepAliveTimeoutMillis() / 1_000 + 1))
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(options.edge().h2c())
        .addWebSocketSubProtocol("graphql-transport-ws");
    Http2Limits h2 = options.edge().http2();
    serverOptions.setInitialSettings(new Http2Settings()
            .setMaxConcurrentStreams(h2.maxConcurrentStreams())
            .setMaxHeaderListSize(h2.maxHeaderListBytes()))
        .setHttp2RstFloodMaxRstFramePerWindow(h2.maxResetsPerWindow())
        .setHttp2RstFloodWindowDuration(h2.resetWindowSeconds())
        .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
    if (certificates != null) {
      certificates.apply(ssl, serverOptions);
    }
    guard = new EdgeGuard(vertx, options.edge(), serverOptions, observer, state.connections(), steps);
    guard.start();
    server = vertx.createHttpServer(serverOptions)
        .connectionHandler(guard::connection)
        .invalidRequestHandler(guard::invalid);
    return server.requestHandler(guard::handle).listen();
  }

  /** Answers a request whose path threw: a problem, or a reset once its head went out (or the answer itself threw). */
  private static void failed(GatewayCall call, Throwable e) {
    try {
      if (!call.response().headWritten()) {
        call.fail(e);
        return;
      }
    } catch (Throwable again) {
      e.addSuppressed(again);
    }
    call.response().reset();
  }

  /** The bound port, once started. */
  int actualPort() {
    return server.actualPort();
  }

  /** The listener's server (for a certificate reload, which reaches every listener sharing the port). */
  HttpServer server() {
    return server;
  }

  /** Stops accepting and lets in-flight requests finish within the grace period. */
  @Override
  public Future<?> stop() {
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(options.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
    return drained.eventually(() -> {
      if (guard != null) {
        guard.stop();
      }
      if (catalog != null) {
        catalog.close();
      }
      return Future.join(client == null ? Future.succeededFuture() : client.close(),
          upstreamClients == null ? Future.succeededFuture() : upstreamClients.close());
    });
  }
}
