package dev.gantry.gateway;

import dev.gantry.codecs.Codecs;
import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.gateway.spec.GatewaySpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A gateway verticle on a local Vert.x with a spec, a client for its data plane and its admin API. */
final class GatewayHarness {
  static final String TOKEN = "test-admin-token";
  final Vertx vertx;
  final GatewayVerticle gateway;
  final PrometheusMeterRegistry registry;
  final WebClient client;
  final WebClient admin;

  private final String deployment;

  private GatewayHarness(Vertx vertx, GatewayVerticle gateway, String deployment, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.gateway = gateway;
    this.registry = registry;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(gateway.actualPort())
        .setKeepAlive(true));
    this.admin = WebClient.create(vertx, new WebClientOptions().setDefaultPort(gateway.adminPort()));
  }

  static GatewayHarness start(Vertx vertx, String yaml) {
    return start(vertx, yaml, "default");
  }

  static GatewayHarness start(Vertx vertx, String yaml, String zone) {
    return start(vertx, yaml, zone, 0);
  }

  /** A gateway with {@code listeners} event loops on its port (0: one per core). */
  static GatewayHarness start(Vertx vertx, String yaml, String zone, int listeners) {
    return start(vertx, yaml, GatewayOptions.defaults().withZone(zone).withInstances(listeners));
  }

  /** A gateway with these client-side limits. */
  static GatewayHarness start(Vertx vertx, String yaml, EdgeOptions edge) {
    return start(vertx, yaml, GatewayOptions.defaults().withEdge(edge));
  }

  /**
   * A gateway whose policies use these backends (either URL may be null) and data directory: two
   * harnesses on one Redis are two gateway nodes sharing a limit store.
   */
  static GatewayHarness start(Vertx vertx, String yaml, String pgUrl, String redisUrl, java.nio.file.Path dataDir) {
    return start(vertx, yaml, GatewayOptions.defaults(), g -> g.withBackends(pgUrl, redisUrl, dataDir));
  }

  /** A gateway whose listener speaks TLS (the harness's own clients stay plain: bring a TLS client). */
  static GatewayHarness startTls(Vertx vertx, String yaml, EdgeOptions edge, dev.gantry.gateway.tls.TlsOptions tls) {
    return start(vertx, yaml, GatewayOptions.defaults().withEdge(edge), g -> g.withTls(tls));
  }

  private static GatewayHarness start(Vertx vertx, String yaml, GatewayOptions options) {
    return start(vertx, yaml, options, g -> g);
  }

  private static GatewayHarness start(Vertx vertx, String yaml, GatewayOptions options,
      java.util.function.UnaryOperator<GatewayVerticle> setUp) {
    Codecs.register(vertx.eventBus());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatewayVerticle gateway = new GatewayVerticle(options.withPort(0)
        .withSeed(GatewaySpec.fromYaml(yaml)).withAdmin(0, TOKEN),
        HealthChecks.create(vertx).register("ok", p -> p.complete(Status.OK())), registry, registry::scrape);
    setUp.apply(gateway);
    String deployment = vertx.deployVerticle(gateway).await();
    GatewayHarness harness = new GatewayHarness(vertx, gateway, deployment, registry);
    // The spec store outlives a verticle on the same Vert.x: make this harness's spec the current one.
    HttpResponse<Buffer> stored = harness.admin.put("/admin/spec").bearerTokenAuthentication(TOKEN)
        .sendJsonObject(GatewaySpec.fromYaml(yaml).toJson()).await();
    if (stored.statusCode() != 200) {
      throw new IllegalStateException("spec refused: " + stored.bodyAsString());
    }
    return harness;
  }

  /** A route file with one upstream, {@code up}, at {@code upstream}, and these routes (flow-style YAML). */
  static String routesTo(TestUpstream upstream, String... routes) {
    StringBuilder yaml = new StringBuilder("upstreams:\n  - {name: up, targets: [{url: '")
        .append(upstream.url()).append("'}]}\nroutes:\n");
    for (String route : routes) {
      yaml.append("  - ").append(route).append('\n');
    }
    return yaml.toString();
  }

  HttpResponse<Buffer> get(String path) {
    return client.get(path).send().await();
  }

  /** Sends {@code n} requests, {@code parallel} at a time, and returns the responses in order. */
  List<HttpResponse<Buffer>> many(int n, int parallel, Function<Integer, Future<HttpResponse<Buffer>>> request) {
    List<HttpResponse<Buffer>> all = new ArrayList<>();
    for (int start = 0; start < n; start += parallel) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + parallel); i++) {
        batch.add(request.apply(i));
      }
      Future.all(batch).await();
      batch.forEach(f -> all.add(f.result()));
    }
    return all;
  }

  static String upstreamOf(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getString("upstream");
  }

  JsonObject status() {
    return admin.get("/admin/status").bearerTokenAuthentication(TOKEN).send().await().bodyAsJsonObject();
  }

  void close() {
    client.close();
    admin.close();
  }

  /** Undeploys the gateway (its listeners with it) and closes the clients. */
  void stop() {
    vertx.undeploy(deployment).await();
    close();
  }
}
