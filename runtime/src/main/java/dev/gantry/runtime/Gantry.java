package dev.gantry.runtime;

import dev.gantry.analytics.AnalyticsOptions;
import dev.gantry.analytics.AnalyticsVerticle;
import dev.gantry.analytics.model.ModelSet;
import dev.gantry.codecs.Codecs;
import dev.gantry.config.ConfigException;
import dev.gantry.config.GantryConfig;
import dev.gantry.config.Role;
import dev.gantry.embedded.EmbeddedBackend;
import dev.gantry.gateway.GatewayOptions;
import dev.gantry.gateway.GatewayVerticle;
import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.gateway.edge.Http2Limits;
import dev.gantry.gateway.tls.DevCertificate;
import dev.gantry.gateway.tls.TlsOptions;
import dev.gantry.config.TlsConfig;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.codecs.ServiceException;
import dev.gantry.runtime.backends.BackendResolver;
import dev.gantry.runtime.bridge.BridgeServer;
import dev.gantry.runtime.mesh.MeshPolicyFeed;
import dev.gantry.runtime.mesh.NodeIdentity;
import dev.gantry.discovery.MeshGate;
import dev.gantry.runtime.backends.ResolvedBackends;
import dev.gantry.runtime.cluster.ClusterSetup;
import dev.gantry.runtime.cluster.MemberLoss;
import dev.gantry.runtime.cluster.NodeDirectory;
import dev.gantry.runtime.health.ReadinessChecks;
import dev.gantry.runtime.logging.LogFormat;
import dev.gantry.runtime.metrics.NodeMetrics;
import dev.gantry.runtime.tracing.Tracing;
import dev.gantry.services.catalog.CatalogVerticle;
import dev.gantry.services.inventory.InventoryVerticle;
import dev.gantry.services.inventory.StockSeeder;
import dev.gantry.services.orders.OrdersOptions;
import dev.gantry.services.orders.OrdersVerticle;
import dev.gantry.services.schema.SchemaMigrator;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.discovery.ServiceCatalog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Future;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.redis.client.Redis;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Gantry node. {@link #start} joins the cluster and deploys what the node's roles
 * need; {@link #stop} undoes it in reverse: the gateway stops accepting and drains, services are
 * undeployed, the node leaves the cluster, and embedded backends it owns stop.
 */
public final class Gantry {
  private static final Logger LOG = LoggerFactory.getLogger(Gantry.class);

  private final GantryConfig config;
  private final Vertx vertx;
  private final HazelcastClusterManager cluster; // null on a standalone node
  private final ResolvedBackends backends;
  private final ReadinessChecks readiness;
  private final List<String> serviceDeployments;
  private final String gatewayDeployment;
  private final GatewayVerticle gateway;
  private final int httpPort;
  private final int adminPort;
  private final String nodeId;
  private OpenTelemetrySdk ownedTracing;
  private final NodeDirectory directory;
  private BridgeServer bridge;
  private int bridgePort = -1;

  private Gantry(GantryConfig config, Vertx vertx, HazelcastClusterManager cluster, String nodeId,
      ResolvedBackends backends, ReadinessChecks readiness, List<String> serviceDeployments,
      String gatewayDeployment, GatewayVerticle gateway, int httpPort, int adminPort) {
    this.config = config;
    this.vertx = vertx;
    this.cluster = cluster;
    this.backends = backends;
    this.readiness = readiness;
    this.serviceDeployments = serviceDeployments;
    this.gatewayDeployment = gatewayDeployment;
    this.gateway = gateway;
    this.httpPort = httpPort;
    this.adminPort = adminPort;
    this.nodeId = nodeId;
    this.directory = new NodeDirectory(vertx, new JsonObject().put("node", nodeId)
        .put("roles", new JsonArray(config.roles().stream().map(Role::id).sorted().toList()))
        .put("zone", config.zone())
        .put("http", httpPort > 0 ? config.httpHost() + ":" + httpPort : null)
        .put("admin", adminPort > 0 ? config.adminHost() + ":" + adminPort : null)
        .put("startedAt", java.time.Instant.now().toString()));
  }

  /** Starts a node; on failure everything already started is stopped again. */
  public static Future<Gantry> start(GantryConfig config) {
    Optional<OpenTelemetrySdk> tracing = Tracing.fromConfig(config);
    return start(config, tracing.orElse(null)).andThen(ar -> {
      if (ar.succeeded()) {
        tracing.ifPresent(sdk -> ar.result().ownedTracing = sdk);
      } else {
        tracing.ifPresent(OpenTelemetrySdk::close);
      }
    });
  }

  /**
   * Starts a node that traces with {@code openTelemetry} (null: no tracing). The caller keeps
   * ownership of it.
   */
  public static Future<Gantry> start(GantryConfig config, OpenTelemetry openTelemetry) {
    GatewaySpec seed;
    try {
      seed = config.has(Role.GATEWAY) ? routesFile(config) : GatewaySpec.EMPTY; // before anything starts
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    PrometheusMeterRegistry registry = NodeMetrics.registry();
    HazelcastClusterManager cluster;
    VertxOptions options;
    try {
      // A standalone node starts no Hazelcast: its event bus, shared maps and locks are local.
      cluster = config.standalone() ? null : ClusterSetup.clusterManager(config, registry);
      options = (config.standalone() ? new VertxOptions().setPreferNativeTransport(true)
          : ClusterSetup.vertxOptions(config)).setMetricsOptions(NodeMetrics.options());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    // Hazelcast names a member when it joins: a clustered node's id is known only once Vert.x is up.
    String standaloneId = java.util.UUID.randomUUID().toString();
    // On loopback only processes of this host can reach the cluster: worth a note, not a warning.
    boolean loopback = config.clusterHost().startsWith("127.") || config.clusterHost().equals("::1")
        || config.clusterHost().equals("localhost");
    org.slf4j.event.Level unprotected = loopback ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.WARN;
    if (cluster == null) {
      LOG.info("standalone: no cluster; routes, limits and the event bus are this node's own");
    } else if (cluster instanceof dev.gantry.runtime.seal.SealedClusterManager) {
      LOG.info("cluster state sealed under the cluster key (AES-256-GCM): members without it read ciphertext");
    } else {
      LOG.atLevel(unprotected).log("cluster state is not sealed: any process that reaches the cluster port and knows the "
          + "cluster name can read and change routes and service records (set cluster.key-file; see README, Mesh)");
    }
    if (cluster != null && config.mesh().tls().isEmpty()) {
      LOG.atLevel(unprotected).log("event bus without TLS: any member of the Hazelcast cluster can send and receive "
          + "on it (set cluster.tls.*; see README, Mesh)");
    }
    io.vertx.core.transport.Transport transport;
    try {
      transport = NetworkTransport.choose(config.transport());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry)).withTransport(transport);
    if (cluster != null) {
      builder.withClusterManager(cluster);
    }
    if (openTelemetry != null) {
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    // The result goes through a promise made here, off any context: a failed start closes Vert.x,
    // and a future bound to one of its event loops could then never report the failure.
    Promise<Gantry> started = Promise.promise();
    java.util.concurrent.atomic.AtomicReference<Vertx> built = new java.util.concurrent.atomic.AtomicReference<>();
    builder.with(options);
    Future<Vertx> made;
    try {
      made = cluster == null ? Future.succeededFuture(builder.build()) : builder.buildClustered();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    made
        .compose(vertx -> {
          built.set(vertx);
          String nodeId = cluster == null ? standaloneId : cluster.getNodeId();
          LogFormat.node(nodeId);
          LOG.info("network transport: {}", NetworkTransport.describe(transport, config.transport()));
          Codecs.register(vertx.eventBus());
          // Its catalog client goes when this Vert.x closes.
          if (cluster != null) {
            MemberLoss.watch(vertx, cluster, ServiceCatalog.create(vertx));
          }
          // A node without the services role starts no backend and needs none to be reachable; its
          // policies use the cluster's Redis and Postgres when another node published them.
          // The warehouse needs Kafka as the services do: it starts the embedded backends when none are shared.
          Future<ResolvedBackends> resolved = config.has(Role.SERVICES) || config.has(Role.ANALYTICS)
              ? new BackendResolver(vertx, config).resolve()
              : new BackendResolver(vertx, config).lookup();
          return resolved
              .compose(backends -> mesh(config, vertx, nodeId, registry)
                  .compose(context -> deploy(config, vertx, cluster, nodeId, backends, registry, seed, context))
                  .recover(e -> stopBackends(vertx, backends).transform(v -> Future.failedFuture(e))));
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            started.complete(ar.result());
          } else if (built.get() == null) {
            started.fail(ar.cause());
          } else {
            closeOffLoop(built.get(), () -> started.fail(ar.cause()));
          }
        });
    return started.future();
  }

  /**
   * Closes Vert.x from a plain thread, then runs {@code then} there: a close issued on one of its
   * event loops waits for that very loop and never completes.
   */
  private static void closeOffLoop(Vertx vertx, Runnable then) {
    new Thread(() -> vertx.close().onComplete(ar -> then.run()), "gantry-close").start();
  }

  /**
   * What services on this node are subject to in the mesh: the call policy, kept current from the
   * cluster's spec, and — in TLS mode — the identities this node's certificate grants (it runs a
   * gateway only if {@code gateway} is among them, and publishes only the services it names).
   */
  private static Future<ServiceContext> mesh(GantryConfig config, Vertx vertx, String nodeId,
      PrometheusMeterRegistry registry) {
    MeshGate gate = new MeshGate((from, to) -> registry.counter("gantry_mesh_denied", "side", "callee", "from", from,
        "to", to).increment());
    ServiceCatalog catalog = ServiceCatalog.create(vertx); // goes when this Vert.x closes
    if (config.mesh().tls().isPresent()) {
      NodeIdentity identity;
      try {
        identity = NodeIdentity.of(config.mesh().tls().get().certFile(), config.clusterName());
      } catch (ConfigException e) {
        return Future.failedFuture(e);
      }
      if (config.has(Role.GATEWAY) && !identity.may("gateway")) {
        return Future.failedFuture(new ConfigException("config: roles: gateway, but " + identity.refusal("gateway")));
      }
      LOG.info("event bus over mutual TLS; this node may run {}", identity.services());
      catalog = identity.guard(catalog);
    }
    ServiceContext context = new ServiceContext(nodeId, config.zone(), catalog, gate);
    return new MeshPolicyFeed(vertx, gate).start().map(context);
  }

  private static Future<Gantry> deploy(GantryConfig config, Vertx vertx,
      HazelcastClusterManager cluster, String node, ResolvedBackends backends, PrometheusMeterRegistry registry,
      GatewaySpec seed, ServiceContext context) {
    boolean serves = config.has(Role.SERVICES); // a gateway-only node's readiness needs no backend
    ReadinessChecks readiness = new ReadinessChecks(vertx, cluster, node, serves ? backends.pgUrl() : null,
        serves ? backends.redisUrl() : null, serves ? backends.kafkaBootstrap() : null);
    ServiceBackends services = backends.any() ? new ServiceBackends(backends.pgUrl(), config.pgPoolSize(),
        backends.redisUrl(), config.redisPoolSize(), backends.kafkaBootstrap()) : null;
    List<String> deployments = new ArrayList<>();
    // The catalog's records are withdrawn by the verticles that published them; what is left of
    // the client itself goes when this Vert.x closes.
    Future<Void> servicesUp = config.has(Role.SERVICES)
        ? prepareData(vertx, services).compose(v -> Future.all(
              vertx.deployVerticle(new CatalogVerticle(services, context)),
              vertx.deployVerticle(new InventoryVerticle(services, context)),
              vertx.deployVerticle(new OrdersVerticle(services, context, new OrdersOptions(config.outboxPollMillis(),
                  java.time.Duration.ofHours(config.idempotencyRetentionHours()),
                  java.time.Duration.ofMillis(config.orphanReservationAgeMillis())))))
            .onSuccess(all -> all.<String>list().forEach(deployments::add))
            .mapEmpty())
        : Future.succeededFuture();
    Future<Void> analyticsUp = servicesUp.compose(v -> !config.has(Role.ANALYTICS) ? Future.<Void>succeededFuture()
        : vertx.deployVerticle(new AnalyticsVerticle(new AnalyticsOptions(backends.kafkaBootstrap(),
                AnalyticsOptions.DEFAULT_TOPIC, AnalyticsOptions.directoryIn(config.dataDir()),
                config.analyticsRebuildMillis(), AnalyticsOptions.DEFAULT_MAX_BATCH_RECORDS), context,
                ModelSet.builtIn(), registry))
            .onSuccess(deployments::add).mapEmpty());
    return analyticsUp.compose(v -> {
      if (!config.has(Role.GATEWAY)) {
        return Future.succeededFuture(new Gantry(config, vertx, cluster, node, backends, readiness,
            deployments, null, null, -1, -1));
      }
      return listenerTls(vertx, config).compose(tls -> {
        GatewaySpec routes = seed;
        dev.gantry.config.Http2Config h2 = config.http2();
        GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions(config.httpHost(),
            config.httpPort(), config.requestTimeoutMillis(), config.maxBodyBytes(),
            config.shutdownGraceMillis(), config.zone(), routes, config.adminHost(), config.adminPort(),
            config.adminToken().orElse(null), config.gatewayInstances(), new EdgeOptions(config.headerTimeoutMillis(),
            config.bodyTimeoutMillis(), config.minBodyRate(), config.h2c()).withHttp2(new Http2Limits(
            h2.maxConcurrentStreams(), h2.maxHeaderListBytes(), h2.maxResetsPerWindow(), h2.resetWindowSeconds()))
            .withKeepAlive(config.keepAliveTimeoutMillis())),
            readiness.healthChecks(), registry, registry::scrape)
            .withBackends(backends.pgUrl(), backends.redisUrl(), config.dataDir().toAbsolutePath())
            .withTls(tls);
        return vertx.deployVerticle(gateway).map(id -> new Gantry(config, vertx, cluster, node, backends,
            readiness, deployments, id, gateway, gateway.actualPort(), gateway.adminPort()));
      });
    }).compose(g -> g.directory.publish().map(g)).compose(g -> g.startBridge(registry, context)).onSuccess(g -> {
      LOG.info(g.readyLine());
      if (g.adminPort() > 0) {
        LOG.info("admin API on http://{}:{}/admin (bearer token from admin.token)", config.adminHost(), g.adminPort());
      } else if (config.has(Role.GATEWAY)) {
        LOG.info("admin API off: set admin.token (GANTRY_ADMIN_TOKEN) to turn it on");
      }
    })
        .onFailure(e -> readiness.close());
  }

  /**
   * The gateway listener's TLS from {@code tls.*}, or null when it is off. The self-signed dev
   * certificate is made (once, under the data dir) on a worker: keytool runs as a child process.
   */
  private static Future<TlsOptions> listenerTls(Vertx vertx, GantryConfig config) {
    TlsConfig c = config.tls();
    if (!c.enabled()) {
      return Future.succeededFuture();
    }
    Future<TlsOptions> source;
    if (c.selfSigned()) {
      source = vertx.executeBlocking(() -> {
        DevCertificate.Pair pair = DevCertificate.in(config.dataDir().toAbsolutePath());
        LOG.info("serving HTTPS with the self-signed dev certificate {} (trust it with curl --cacert {})",
            pair.cert(), pair.cert());
        return new TlsOptions().setPem(java.util.List.of(pair.cert()), java.util.List.of(pair.key()));
      });
    } else if (c.keystore().isPresent()) {
      source = Future.succeededFuture(new TlsOptions().setKeystore(c.keystore().get(), c.keystorePassword()));
    } else {
      source = Future.succeededFuture(new TlsOptions().setPem(c.certs(), c.keys()));
    }
    return source.map(tls -> tls.setH2(c.h2()).setRedirectPort(c.redirectPort())
        .setHsts(c.hstsMaxAgeSeconds(), c.hstsIncludeSubdomains()).setReloadCheckMillis(c.reloadCheckMillis()));
  }

  /**
   * The route file's spec, or an empty one. Read (a small file, on the starting thread) before
   * anything starts, so a mistake stops start-up at once with one line naming the field.
   */
  private static GatewaySpec routesFile(GantryConfig config) {
    if (config.routesFile().isEmpty()) {
      return GatewaySpec.EMPTY;
    }
    java.nio.file.Path path = config.routesFile().get();
    String text;
    try {
      text = java.nio.file.Files.readString(path);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new ConfigException("routes file " + path + ": cannot read it: " + e.getMessage());
    }
    try {
      return GatewaySpec.fromYaml(text);
    } catch (ServiceException e) {
      throw new ConfigException("routes file " + path + ": " + e.detail());
    }
  }

  /** Migrates the schema and seeds stock; safe to run on every start and on every node. */
  private static Future<Void> prepareData(Vertx vertx, ServiceBackends services) {
    Pool pool = services.pgPool(vertx);
    Redis redis = services.redis(vertx);
    return SchemaMigrator.migrate(vertx, pool)
        .compose(applied -> StockSeeder.seed(pool, RedisAPI.api(redis)))
        .onSuccess(seeded -> {
          if (seeded > 0) {
            LOG.info("seeded stock for {} products", seeded);
          }
        })
        .eventually(() -> Future.join(pool.close(), redis.close()))
        .mapEmpty();
  }

  /** Starts the TCP bridge when {@code bridge.enabled} is on; a failure stops the start. */
  private Future<Gantry> startBridge(PrometheusMeterRegistry registry, ServiceContext context) {
    if (!config.mesh().bridge().enabled()) {
      return Future.succeededFuture(this);
    }
    BridgeServer server;
    try {
      server = new BridgeServer(vertx, config.mesh().bridge(), context, registry);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return server.start().map(port -> {
      bridge = server;
      bridgePort = port;
      return this;
    }).recover(e -> server.close().transform(v -> Future.failedFuture(e)));
  }

  /** The TCP bridge's port, or -1 when it is off. */
  public int bridgePort() {
    return bridgePort;
  }

  /** The admin API's port, or -1 when it is off (no token) or this node has no gateway. */
  public int adminPort() {
    return adminPort;
  }

  public String readyLine() {
    String roles = config.roles().stream().map(Role::id).sorted().collect(Collectors.joining(","));
    String scheme = config.tls().enabled() ? "https://" : "http://";
    String where = httpPort > 0 ? " on " + scheme + displayHost() + ":" + httpPort : "";
    return "Gantry ready" + where + " (roles: " + roles + "; node " + nodeId
        + (cluster == null ? "; standalone)" : "; cluster " + config.clusterName() + ", " + cluster.getNodes().size()
            + " members)");
  }

  private String displayHost() {
    String host = config.httpHost();
    return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
  }

  /** The gateway's HTTP port, or -1 when this node has no gateway role. */
  public int httpPort() {
    return httpPort;
  }

  /** The Hazelcast member port this node listens on (what other nodes pass to --join); -1 when standalone. */
  public int clusterPort() {
    return cluster == null ? -1 : cluster.getHazelcastInstance().getCluster().getLocalMember().getAddress().getPort();
  }

  public String nodeId() {
    return nodeId;
  }

  public Vertx vertx() {
    return vertx;
  }

  public ResolvedBackends backends() {
    return backends;
  }

  /**
   * Stops the node; the future completes when everything is stopped. Call it off the Vert.x
   * threads (main, a signal handler, a test): the last step closes Vert.x itself. First the node
   * drains for {@code shutdown.drain-ms}: readiness answers 503 and this node's service records
   * leave the catalog, while the gateway and the services still serve, so load balancers and the
   * other gateways move their traffic away; only then does the gateway stop accepting.
   */
  public Future<Void> stop() {
    Future<Void> drained = drain()
        .transform(ar -> bridge == null ? Future.<Void>succeededFuture() : bridge.close())
        .transform(ar -> directory.withdraw())
        .transform(ar -> gatewayDeployment == null ? Future.succeededFuture() : vertx.undeploy(gatewayDeployment))
        .eventually(() -> Future.join(serviceDeployments.stream().map(vertx::undeploy).toList()))
        .eventually(readiness::close)
        .eventually(() -> stopBackends(vertx, backends))
        .mapEmpty();
    Promise<Void> stopped = Promise.promise();
    // A listener on a context of this Vert.x could not run once its event loops are gone, so the
    // close is issued from a plain thread and reported through a context-free promise.
    drained.onComplete(ar -> new Thread(() -> vertx.close().onComplete(closed -> {
      if (ownedTracing != null) {
        ownedTracing.close(); // flushes spans still batched
      }
      LOG.info("Gantry node {} stopped", nodeId);
      stopped.handle(ar.failed() ? ar : closed);
    }), "gantry-close").start());
    return stopped.future();
  }

  private Future<Void> drain() {
    if (gateway != null) {
      gateway.drain();
    }
    long millis = config.shutdownDrainMillis();
    if (millis == 0) {
      return Future.succeededFuture();
    }
    // Every gateway stops choosing this node's instances within its catalog cache's second.
    ServiceCatalog catalog = ServiceCatalog.create(vertx);
    Future<Integer> withdrawn = catalog.handOver(nodeId).andThen(ar -> {
      catalog.close();
      LOG.info("draining for {} ms: readiness answers 503; {} service records handed over to other nodes", millis,
          ar.succeeded() ? ar.result() : "no (" + ar.cause().getMessage() + ")");
    });
    Promise<Void> waited = Promise.promise();
    vertx.setTimer(millis, id -> waited.complete());
    return Future.join(withdrawn, waited.future()).mapEmpty();
  }

  private static Future<Void> stopBackends(Vertx vertx, ResolvedBackends backends) {
    if (backends.owned().isEmpty()) {
      return Future.succeededFuture();
    }
    // Stopping embedded servers waits for their processes: blocking, so off the event loop.
    return BackendResolver.unpublish(vertx, backends)
        .eventually(() -> vertx.executeBlocking(() -> {
          List<EmbeddedBackend> reversed = new ArrayList<>(backends.owned());
          java.util.Collections.reverse(reversed);
          reversed.forEach(EmbeddedBackend::close);
          return null;
        }))
        .mapEmpty();
  }
}
