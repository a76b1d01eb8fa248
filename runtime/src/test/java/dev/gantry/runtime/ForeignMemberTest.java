package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.config.GantryConfig;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.runtime.cluster.ClusterCa;
import dev.gantry.runtime.cluster.ClusterSetup;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import dev.gantry.testkit.Poll;
import java.time.Duration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sealed, mutually authenticated cluster — a gateway node and a services node, each with the
 * cluster key and a certificate of the cluster CA — and a third, foreign member that knows the
 * cluster name and joins Hazelcast, but has neither key nor certificate.
 */
class ForeignMemberTest {
  private static final String TOKEN = "foreign-test-token";
  private Path dir;
  private String cluster;
  private Gantry gateway;
  private Vertx services;
  private Vertx foreign;
  private Vertx client;
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger servedByForeign = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    cluster = TestNodes.uniqueCluster("foreign");
    dir = Files.createTempDirectory("gantry-mesh");
    ClusterCa ca = ClusterCa.in(dir, cluster);
    ca.issue("gw", List.of("127.0.0.1"), List.of("gateway"));
    ca.issue("svc", List.of("127.0.0.1"), List.of("echo"));
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, """
        routes:
          - {id: echo, match: {path: /echo/**}, service: echo}
        """);
    Map<String, String> flags = TestNodes.base(cluster);
    flags.put("roles", "gateway");
    flags.put("admin.token", TOKEN);
    flags.put("admin.port", "0");
    flags.put("routes.file", routes.toString());
    flags.putAll(secured(ca, "gw"));
    gateway = TestNodes.start(flags);
    String join = "127.0.0.1:" + gateway.clusterPort();

    Map<String, String> svcFlags = TestNodes.base(cluster);
    svcFlags.put("cluster.join", join);
    svcFlags.putAll(secured(ca, "svc"));
    services = clustered(TestNodes.config(svcFlags));
    ServiceContext context = new ServiceContext(nodeId(services), "default", ServiceCatalog.create(services));
    new ServiceEndpoints(services, context).bindHttp("echo", "v1", (call, env) -> {
      served.incrementAndGet();
      return Future.succeededFuture(HttpReply.json(200, new JsonObject().put("path", call.path())));
    }).await();

    Map<String, String> foreignFlags = TestNodes.base(cluster); // the cluster name and a member's address, nothing else
    foreignFlags.put("cluster.join", join);
    foreign = clustered(TestNodes.config(foreignFlags));
    client = Vertx.vertx();
  }

  private static Map<String, String> secured(ClusterCa ca, String node) {
    return Map.of("cluster.key-file", ca.clusterKeyFile().toString(),
        "cluster.tls.cert-file", ca.certFileOf(node).toString(),
        "cluster.tls.key-file", ca.keyFileOf(node).toString(),
        "cluster.tls.ca-file", ca.caFile().toString());
  }

  private static Vertx clustered(GantryConfig config) {
    HazelcastClusterManager manager = ClusterSetup.clusterManager(config, new SimpleMeterRegistry());
    Vertx vertx = Vertx.builder().with(ClusterSetup.vertxOptions(config)).withClusterManager(manager).buildClustered().await();
    Codecs.register(vertx.eventBus());
    return vertx;
  }

  private static String nodeId(Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).clusterManager().getNodeId();
  }

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : new Vertx[] {foreign, services, client}) {
      if (v != null) {
        v.close().await();
      }
    }
    TestNodes.stop(gateway);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  void aForeignMemberReadsOnlyCiphertextAndWhatItWritesOrSendsIsRefused() throws Exception {
    WebClient http = WebClient.create(client, new WebClientOptions().setDefaultPort(gateway.httpPort()));
    WebClient admin = WebClient.create(client, new WebClientOptions().setDefaultPort(gateway.adminPort()));
    // The legitimate nodes talk over TLS and read the sealed catalog. The first call also opens
    // both TLS connections (on a loaded machine that may take longer than one request's deadline).
    Poll.until(client, Duration.ofSeconds(30), "the gateway reaches the service over TLS",
        () -> http.get("/echo/hi").send().await().statusCode() == 200);
    HttpResponse<Buffer> ok = http.get("/echo/hi").send().await();
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals(nodeId(services), ok.getHeader("X-Gantry-Served-By"));

    // What the foreign member reads: ciphertext, no route, no service name, no address.
    Object spec = foreign.sharedData().getAsyncMap("gantry.gateway.spec").compose(m -> m.get("current")).await();
    assertTrue(spec instanceof String s && s.startsWith("gs1.") && !s.contains("echo"), String.valueOf(spec));
    Map<Object, Object> records = foreign.sharedData().getAsyncMap("service.registry").compose(m -> m.entries()).await();
    assertFalse(records.isEmpty());
    records.values().forEach(v -> assertTrue(v instanceof String s && s.startsWith("gs1.") && !s.contains("echo"), String.valueOf(v)));
    Map<Object, Object> nodes = foreign.sharedData().getAsyncMap("gantry.nodes").compose(m -> m.entries()).await();
    nodes.values().forEach(v -> assertFalse(String.valueOf(v).contains("127.0.0.1"), String.valueOf(v)));

    // What it writes: a service record of its own for echo, and a spec with a route to it.
    String foreignNode = nodeId(foreign);
    String foreignAddress = Addresses.httpServiceOn("echo", "v1", foreignNode);
    foreign.eventBus().<HttpCall>consumer(foreignAddress, m -> {
      servedByForeign.incrementAndGet();
      m.reply(HttpReply.json(200, new JsonObject().put("owned", true)));
    }).completion().await();
    JsonObject forgedRecord = new JsonObject().put("type", "gantry-http").put("name", "echo").put("status", "UP")
        .put("registration", "forged").put("location", new JsonObject().put("endpoint", foreignAddress))
        .put("metadata", new JsonObject().put("version", "v1").put("zone", "default").put("node", foreignNode));
    foreign.sharedData().getAsyncMap("service.registry").compose(m -> m.put("forged", forgedRecord.encode())).await();
    GatewaySpec evil = GatewaySpec.fromYaml("""
        routes:
          - {id: evil, match: {path: /evil/**}, service: echo}
        """);
    String forgedSpec = new JsonObject().put("version", 1000).put("spec", evil.toJson()).encode();
    foreign.sharedData().getAsyncMap("gantry.gateway.spec").compose(m -> m.put("current", forgedSpec)).await();

    // A change through the admin API after that starts from the gateway's own spec, not the forged one.
    HttpResponse<Buffer> added = admin.post("/admin/routes").bearerTokenAuthentication(TOKEN)
        .sendJsonObject(new JsonObject().put("id", "later").put("match", new JsonObject().put("path", "/later/**"))
            .put("service", "echo")).await();
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertEquals(404, http.get("/evil/x").send().await().statusCode());
    assertEquals(200, http.get("/later/x").send().await().statusCode());
    // The gateway's catalog ignores the forged record: every request goes to the real instance.
    for (int i = 0; i < 12; i++) {
      HttpResponse<Buffer> r = http.get("/echo/" + i).send().await();
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals(nodeId(services), r.getHeader("X-Gantry-Served-By"));
    }
    // The catalog reads the records at most once a second: requests go on until it has read the
    // forged one (and refused it), each still served by the real instance.
    Poll.until(client, Duration.ofSeconds(30), "the gateway's catalog read the forged record and refused it", () -> {
      HttpResponse<Buffer> r = http.get("/echo/again").send().await();
      assertEquals(nodeId(services), r.getHeader("X-Gantry-Served-By"));
      String metrics = admin.get("/metrics").bearerTokenAuthentication(TOKEN).send().await().bodyAsString();
      return metrics.lines().anyMatch(l -> l.startsWith("gantry_cluster_seal_rejected_total{map=\"service.registry\"")
          && !l.endsWith(" 0.0"));
    });
    assertEquals(0, servedByForeign.get());

    // What it sends on the bus: the TLS handshake refuses it (Vert.x reports a send it could not
    // deliver as a missing reply), so nothing arrives — neither at the service nor at the gateway.
    int before = served.get();
    String instance = Addresses.httpServiceOn("echo", "v1", nodeId(services));
    HttpCall call = new HttpCall("GET", "/owned", null, Map.of(), Buffer.buffer());
    assertThrows(ReplyException.class, () -> foreign.eventBus()
        .request(instance, call, new DeliveryOptions().setSendTimeout(3_000)).await());
    JsonObject changed = new JsonObject(forgedSpec).put("version", 2000);
    assertThrows(ReplyException.class, () -> foreign.eventBus().request(Addresses.GATEWAY_SPEC_CHANGED, changed,
        new DeliveryOptions().setSendTimeout(3_000)).await());
    assertEquals(before, served.get());
    assertEquals(404, http.get("/evil/x").send().await().statusCode());
  }

  @Test
  void aNodeWithTheKeyButACertificateOfAnotherCaCannotUseTheBus() throws Exception {
    Path otherDir = dir.resolve("other-ca");
    ClusterCa other = ClusterCa.in(otherDir, cluster);
    other.issue("rogue", List.of("127.0.0.1"), List.of("echo"));
    Map<String, String> flags = TestNodes.base(cluster);
    flags.put("cluster.join", "127.0.0.1:" + gateway.clusterPort());
    flags.put("cluster.key-file", dir.resolve("cluster.key").toString()); // the real cluster key
    flags.put("cluster.tls.cert-file", other.certFileOf("rogue").toString());
    flags.put("cluster.tls.key-file", other.keyFileOf("rogue").toString());
    flags.put("cluster.tls.ca-file", other.caFile().toString());
    Vertx rogue = clustered(TestNodes.config(flags));
    try {
      // It reads the maps (it has the key) but cannot reach the members: neither side trusts the other's CA.
      HttpCall call = new HttpCall("GET", "/rogue", null, Map.of(), Buffer.buffer());
      int before = served.get();
      assertThrows(ReplyException.class, () -> rogue.eventBus().request(Addresses.httpServiceOn("echo", "v1", nodeId(services)),
          call, new DeliveryOptions().setSendTimeout(3_000)).await());
      assertEquals(before, served.get());
    } finally {
      rogue.close().await();
    }
  }
}
