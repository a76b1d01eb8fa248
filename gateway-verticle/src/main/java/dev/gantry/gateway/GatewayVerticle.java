package dev.gantry.gateway;

import dev.gantry.codecs.Addresses;
import dev.gantry.gateway.admin.AdminApi;
import dev.gantry.gateway.api.ReferenceRoutes;
import dev.gantry.gateway.auth.DevKeys;
import dev.gantry.gateway.edge.HttpsRedirect;
import dev.gantry.gateway.tls.CertificateReloader;
import dev.gantry.gateway.tls.ListenerCertificates;
import dev.gantry.gateway.tls.TlsOptions;
import io.vertx.core.net.ServerSSLOptions;
import dev.gantry.gateway.observe.RecentRequests;
import dev.gantry.gateway.observe.RouteStats;
import dev.gantry.gateway.proxy.ProxyState;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.store.SpecStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: {@link GatewayOptions#instances()} listeners (one per event loop by default) on one
 * port, sharing this node's proxy state; and, when a token is configured, the admin listener. It
 * follows the cluster's spec store: every announced change is applied to the shared proxy state,
 * so every listener serves it from the next request on. Stopping it stops the listeners, which
 * stop accepting and let in-flight requests finish within the grace period.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private final GatewayOptions options;
  private final HealthChecks readiness;
  private final MeterRegistry registry;
  private final Supplier<String> scrape;
  private int port = -1;
  private int listeners;
  private HttpServer admin;
  private HttpClient healthClient;
  private dev.gantry.gateway.upstream.UpstreamClients healthClients;
  private ProxyState state;

  /** Bytes of request bodies this gateway holds whole right now (its tests wait on it). */
  long heldBodyBytes() {
    return state.heldBodies().held();
  }
  private final RecentRequests recent = new RecentRequests();
  private final dev.gantry.gateway.health.Draining draining;
  private long specVersion;
  private MessageConsumer<Object> specChanges;
  private String pgUrl;
  private String redisUrl;
  private java.nio.file.Path dataDir = java.nio.file.Path.of("gantry-data");
  private dev.gantry.gateway.policy.NodeResources node;
  private TlsOptions tls;
  private CertificateReloader reloader;
  private HttpServer redirect;
  private dev.gantry.gateway.graphql.Federation federation;

  /**
   * @param registry where request and proxy metrics go
   * @param scrape   the Prometheus text of the node's registry, served at the admin listener's
   *                 {@code /metrics}; null serves none
   */
  public GatewayVerticle(GatewayOptions options, HealthChecks readiness, MeterRegistry registry,
      Supplier<String> scrape) {
    this.options = options;
    this.readiness = readiness;
    this.registry = registry;
    this.scrape = scrape;
    this.draining = new dev.gantry.gateway.health.Draining(options.shutdownGraceMillis());
  }

  /**
   * Begins a shutdown while still serving: readiness answers 503 and HTTP/1.x connections close
   * after their next answer, so a load balancer moves traffic away before {@link #stop} stops
   * accepting. Thread-safe; there is no way back.
   */
  public void drain() {
    draining.begin();
  }

  /**
   * The cluster's backends, for policies that keep state there (rate limits in Redis, API keys in
   * Postgres), and this node's data directory (the dev signing key). Either URL may be null.
   */
  public GatewayVerticle withBackends(String pgUrl, String redisUrl, java.nio.file.Path dataDir) {
    this.pgUrl = pgUrl;
    this.redisUrl = redisUrl;
    this.dataDir = dataDir;
    return this;
  }

  /** TLS on the gateway's listener (null: plain HTTP). */
  public GatewayVerticle withTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public Future<?> start() {
    // Active health checks only; requests go through each listener's own client.
    healthClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16));
    node = new dev.gantry.gateway.policy.NodeResources(vertx, redisUrl, pgUrl, dataDir);
    healthClients = new dev.gantry.gateway.upstream.UpstreamClients(vertx, healthClient);
    state = new ProxyState(vertx, healthClients, options.zone(), registry, node);
    state.heldBodies(new dev.gantry.gateway.policy.BodyBudget(options.edge().maxHeldBodyBytes()));
    federation = new dev.gantry.gateway.graphql.Federation(vertx);
    state.federation(federation);
    SpecStore store = new SpecStore(vertx, this::apply,
        () -> specVersion == 0 ? null : new SpecStore.Versioned(specVersion, state.spec()));
    GatewaySpec seed = ReferenceRoutes.with(options.seed()); // the route file's, and the reference API
    specChanges = vertx.eventBus().<Object>consumer(Addresses.GATEWAY_SPEC_CHANGED, m -> {
      if (SpecStore.announced(m.body()) > specVersion) {
        store.current().onSuccess(current -> {
          if (current != null) {
            apply(current);
          }
        }).onFailure(e -> LOG.warn("could not read the announced gateway spec: {}", e.getMessage()));
      }
    });
    return specChanges.completion()
        .compose(v -> federation.start())
        .compose(v -> store.load(seed, ReferenceRoutes.with(GatewaySpec.EMPTY)))
        .compose(current -> {
          if (!options.seed().routes().isEmpty() && !current.spec().equals(seed)) {
            LOG.warn("the cluster already has routes (version {}); this node's route file is not used — "
                + "change routes through the admin API", current.version());
          }
          apply(current);
          return Future.all(listen(), listenAdmin(store));
        });
  }

  private void apply(SpecStore.Versioned next) {
    if (next.version() <= specVersion && specVersion > 0) {
      return;
    }
    state.apply(next.spec());
    specVersion = next.version();
    LOG.info("gateway spec version {}: {} routes, {} upstreams", next.version(),
        next.spec().routes().size(), next.spec().upstreams().size());
  }

  /**
   * Deploys the listeners on one port. Vert.x shares a port among servers that ask for the same
   * one, but servers asking for port 0 each get their own; so with several listeners, port 0 is
   * first resolved to a free port (and tried again should another process take it meanwhile).
   */
  private Future<?> listen() {
    int count = options.instances() > 0 ? options.instances() : Runtime.getRuntime().availableProcessors();
    ListenerCertificates certificates = tls == null ? null : new ListenerCertificates(vertx, tls);
    Future<ServerSSLOptions> ssl = certificates == null ? Future.succeededFuture() : certificates.read();
    return ssl.compose(read -> listen(count, 3, certificates, read)).compose(first -> {
      listeners = count;
      LOG.info("gateway listening on {}:{} with {} event loop{}{}", options.host(), port, count, count == 1 ? "" : "s",
          tls == null ? "" : " (TLS" + (tls.h2() ? ", ALPN h2 and http/1.1)" : ", http/1.1)"));
      if (certificates == null) {
        return Future.succeededFuture();
      }
      reloader = new CertificateReloader(vertx, certificates, first.server());
      return Future.all(reloader.start(), listenRedirect());
    });
  }

  /** The plain listener that only redirects to HTTPS, when asked for. */
  private Future<?> listenRedirect() {
    if (tls.redirectPort() < 0) {
      return Future.succeededFuture();
    }
    redirect = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(tls.redirectPort())
        .setIdleTimeout(options.edge().headerTimeoutMillis() > 1_000 ? (int) (options.edge().headerTimeoutMillis() / 1_000) : 1));
    return redirect.requestHandler(new HttpsRedirect(port)).listen()
        .onSuccess(s -> LOG.info("redirecting plain HTTP on {}:{} to HTTPS", options.host(), s.actualPort()));
  }

  private Future<GatewayListener> listen(int count, int triesLeft, ListenerCertificates certificates,
      ServerSSLOptions ssl) {
    Future<Integer> wanted = options.port() == 0 && count > 1
        ? vertx.executeBlocking(() -> freePort(options.host())) : Future.succeededFuture(options.port());
    List<GatewayListener> started = new CopyOnWriteArrayList<>();
    return wanted.compose(chosen -> vertx.deployVerticle(() -> {
      GatewayOptions own = tls == null ? options : options.withEdge(options.edge().withHsts(tls.hstsHeader()));
      GatewayListener listener = new GatewayListener(own, chosen, readiness, draining, registry, recent, state,
          certificates, ssl);
      started.add(listener);
      return listener;
    }, new DeploymentOptions().setInstances(count)))
        .map(id -> {
          port = started.get(0).actualPort();
          return started.get(0);
        })
        .recover(e -> options.port() == 0 && count > 1 && triesLeft > 1 && addressInUse(e)
            ? listen(count, triesLeft - 1, certificates, ssl) : Future.failedFuture(e));
  }

  /** NIO reports a taken port as a BindException, the native transport as an IOException. */
  private static boolean addressInUse(Throwable e) {
    return e instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use");
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  private Future<HttpServer> listenAdmin(SpecStore store) {
    if (options.adminToken() == null) {
      return Future.succeededFuture();
    }
    Future<Buffer> openApi = vertx.fileSystem().readFile("gantry/admin-openapi.json");
    Future<Buffer> console = vertx.fileSystem().readFile("gantry/console.html");
    return Future.all(openApi, console).compose(pages -> {
      AdminApi api = new AdminApi(options.adminToken(), store, state::spec,
          () -> state.status().put("specVersion", specVersion).put("listeners", listeners), openApi.result(), scrape)
          .withConsole(console.result(), () -> RouteStats.read(registry).put("recentFailures", recent.failures())
              .put("recentBlocks", state.recentBlocks().list()))
          .withApiKeys(() -> dev.gantry.gateway.auth.ApiKeyType.store(node))
          .withGraphql(federation)
          // the dev key is made on first use (file I/O: off the event loop), never by a node that needs none
          .withJwks(() -> vertx.executeBlocking(() -> node.<DevKeys>keep(DevKeys.class.getName(),
              () -> DevKeys.in(dataDir)).publicKeys().toString()));
      admin = vertx.createHttpServer(new HttpServerOptions().setHost(options.adminHost()).setPort(options.adminPort()));
      return admin.requestHandler(api.router(vertx)).listen();
    });
  }

  /** The bound port, once started. */
  public int actualPort() {
    return port;
  }

  /** Whether the gateway listener speaks TLS. */
  public boolean isTls() {
    return tls != null;
  }

  /** The plain listener redirecting to HTTPS: its port, or -1 when there is none. */
  public int redirectPort() {
    return redirect == null ? -1 : redirect.actualPort();
  }

  /** Certificate reloads done since start (0 without TLS). */
  public long certificateReloads() {
    return reloader == null ? 0 : reloader.reloads();
  }

  /** Certificate changes that could not be loaded (the previous ones kept serving). */
  public long certificateReloadFailures() {
    return reloader == null ? 0 : reloader.failures();
  }

  /** The admin listener's port, or -1 when it is off. */
  public int adminPort() {
    return admin == null ? -1 : admin.actualPort();
  }

  /** The listeners (deployed from here) are undeployed first by Vert.x, draining their requests. */
  @Override
  public Future<?> stop() {
    if (state != null) {
      state.close();
    }
    if (reloader != null) {
      reloader.stop();
    }
    if (federation != null) {
      federation.close();
    }
    return Future.join(admin == null ? Future.succeededFuture() : admin.close(),
        redirect == null ? Future.succeededFuture() : redirect.close(),
        healthClient == null ? Future.succeededFuture() : healthClient.close(),
        healthClients == null ? Future.succeededFuture() : healthClients.close());
  }
}
