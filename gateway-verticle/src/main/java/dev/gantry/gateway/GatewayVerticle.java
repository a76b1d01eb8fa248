package dev.gantry.gateway;

import dev.gantry.codecs.Addresses;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.admin.AdminApi;
import dev.gantry.gateway.api.ApiRoutes;
import dev.gantry.gateway.health.HealthRoutes;
import dev.gantry.gateway.observe.RecentRequests;
import dev.gantry.gateway.observe.RequestObserver;
import dev.gantry.gateway.observe.RouteStats;
import dev.gantry.gateway.problem.ProblemResponder;
import dev.gantry.gateway.proxy.HttpForwarder;
import dev.gantry.gateway.proxy.ProxyHandler;
import dev.gantry.gateway.proxy.ProxyState;
import dev.gantry.gateway.request.RequestEnvelopeHandler;
import dev.gantry.gateway.store.SpecStore;
import io.micrometer.core.instrument.MeterRegistry;
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
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: an HTTP server whose router composes, in order, the request envelope, health
 * endpoints, declared routes (the reverse proxy), the built-in API routes and the problem
 * responder; and, when a token is configured, the admin listener. It follows the cluster's spec
 * store: every announced change is applied to this node's proxy state. Stopping it stops
 * accepting and lets in-flight requests finish within the grace period.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private final GatewayOptions options;
  private final HealthChecks readiness;
  private final MeterRegistry registry;
  private final Supplier<String> scrape;
  private HttpServer server;
  private HttpServer admin;
  private HttpClient client;
  private ProxyState state;
  private ServiceCatalog catalog;
  private final RecentRequests recent = new RecentRequests();
  private long specVersion;
  private MessageConsumer<JsonObject> specChanges;

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
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setPipelining(false).setMaxInitialLineLength(8192), new PoolOptions().setHttp1MaxSize(256));
    state = new ProxyState(vertx, client, options.zone(), registry);
    catalog = ServiceCatalog.create(vertx);
    SpecStore store = new SpecStore(vertx);
    specChanges = vertx.eventBus().consumer(Addresses.GATEWAY_SPEC_CHANGED,
        m -> apply(SpecStore.Versioned.fromJson(m.body())));
    return specChanges.completion()
        .compose(v -> store.load(options.seed()))
        .compose(current -> {
          if (!options.seed().routes().isEmpty() && !current.spec().equals(options.seed())) {
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

  private Future<HttpServer> listen() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestEnvelopeHandler(options.requestTimeoutMillis()));
    router.route().handler(new RequestObserver(registry, recent));
    new HealthRoutes(readiness).mount(router);
    router.route().handler(new ProxyHandler(vertx, state, new HttpForwarder(client), catalog,
        options.requestTimeoutMillis(), options.maxBodyBytes()));
    new ApiRoutes(new ServiceClient(vertx), options.maxBodyBytes()).mount(router);
    new ProblemResponder().mount(router);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setTcpNoDelay(true)
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    return server.requestHandler(router).listen();
  }

  private Future<HttpServer> listenAdmin(SpecStore store) {
    if (options.adminToken() == null) {
      return Future.succeededFuture();
    }
    Future<Buffer> openApi = vertx.fileSystem().readFile("gantry/admin-openapi.json");
    Future<Buffer> console = vertx.fileSystem().readFile("gantry/console.html");
    return Future.all(openApi, console).compose(pages -> {
      AdminApi api = new AdminApi(options.adminToken(), store, state::spec,
          () -> state.status().put("specVersion", specVersion), openApi.result(), scrape)
          .withConsole(console.result(), () -> RouteStats.read(registry).put("recentFailures", recent.failures()));
      admin = vertx.createHttpServer(new HttpServerOptions().setHost(options.adminHost()).setPort(options.adminPort()));
      return admin.requestHandler(api.router(vertx)).listen();
    });
  }

  /** The bound port, once started. */
  public int actualPort() {
    return server.actualPort();
  }

  /** The admin listener's port, or -1 when it is off. */
  public int adminPort() {
    return admin == null ? -1 : admin.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (state != null) {
      state.close();
    }
    if (catalog != null) {
      catalog.close();
    }
    Future<Void> main = server == null ? Future.succeededFuture()
        : server.shutdown(options.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
    return Future.join(main, admin == null ? Future.succeededFuture() : admin.close())
        .eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }
}
