package dev.gantry.gateway;

import static dev.gantry.gateway.GatewayHarness.upstreamOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Balancing algorithms, ejection of dead targets, health checks and zones, on real upstreams. */
@ExtendWith(VertxExtension.class)
class LoadBalancingTest {
  private TestUpstream a;
  private TestUpstream b;
  private TestUpstream c;
  private GatewayHarness gw;

  @BeforeEach
  void upstreams(Vertx vertx) {
    a = new TestUpstream(vertx, "a").start();
    b = new TestUpstream(vertx, "b").start();
    c = new TestUpstream(vertx, "c").start();
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    for (TestUpstream u : List.of(a, b, c)) {
      try {
        u.stop();
      } catch (RuntimeException e) {
        // already stopped by the test
      }
    }
  }

  private String pool(String algorithm, String extra) {
    return "upstreams:\n"
        + "  - name: pool\n"
        + "    algorithm: " + algorithm + "\n" + extra
        + "    targets:\n"
        + "      - {url: '" + a.url() + "', weight: 1}\n"
        + "      - {url: '" + b.url() + "', weight: 1}\n"
        + "      - {url: '" + c.url() + "', weight: 2}\n"
        + "routes:\n"
        + "  - {id: all, match: {path: /**}, upstream: pool, retry: {attempts: 2, budget-percent: 100}}\n";
  }

  private Map<String, Long> shares(List<HttpResponse<Buffer>> responses) {
    return responses.stream().collect(Collectors.groupingBy(GatewayHarness::upstreamOf, Collectors.counting()));
  }

  private void assertWeighted(Map<String, Long> counts, int total) {
    Map<String, Double> expected = Map.of("a", 0.25, "b", 0.25, "c", 0.5);
    expected.forEach((name, share) -> {
      double actual = counts.getOrDefault(name, 0L) / (double) total;
      assertTrue(Math.abs(actual - share) <= 0.05, name + " got " + actual + " of traffic, wanted " + share);
    });
  }

  @Test
  void everyAlgorithmHonoursWeightsWithinFivePercent(Vertx vertx) {
    for (String algorithm : List.of("round-robin", "least-requests", "power-of-two")) {
      gw = GatewayHarness.start(vertx, pool(algorithm, ""));
      assertWeighted(shares(gw.many(2000, 1, i -> gw.client.get("/x").send())), 2000);
      gw.stop();
    }
    gw = GatewayHarness.start(vertx, pool("consistent-hash", "    hash-on: header:X-User\n"));
    Function<Integer, io.vertx.core.Future<HttpResponse<Buffer>>> byUser =
        i -> gw.client.get("/x").putHeader("X-User", "user-" + i).send();
    List<HttpResponse<Buffer>> first = gw.many(2000, 20, byUser);
    assertWeighted(shares(first), 2000);
    List<HttpResponse<Buffer>> again = gw.many(2000, 20, byUser);
    for (int i = 0; i < 2000; i++) {
      assertEquals(upstreamOf(first.get(i)), upstreamOf(again.get(i)), "user-" + i + " moved");
    }
  }

  private String twoTargets(String algorithm) {
    return """
        upstreams:
          - name: pool
            algorithm: %s
            targets: [{url: '%s'}, {url: '%s'}]
        routes:
          - {id: all, match: {path: /**}, upstream: pool}
        """.formatted(algorithm, a.url(), b.url());
  }

  /** A client opening a connection per request: Vert.x hands accepted connections to the listeners in turn. */
  private WebClient connectionPerRequest(Vertx vertx) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultPort(gw.gateway.actualPort()).setKeepAlive(false));
  }

  @Test
  void listenersOnSeveralEventLoopsShareOneRoundRobin(Vertx vertx) {
    gw = GatewayHarness.start(vertx, twoTargets("round-robin"), "default", 4);
    assertEquals(4, gw.status().getInteger("listeners"));
    WebClient fresh = connectionPerRequest(vertx);
    try {
      // One request at a time, each on a new connection, so consecutive requests land on different
      // listeners. One balancer alternates a, b, a, b across them; a balancer per listener cannot:
      // requests i and i + 4 share a listener, so they would go to different targets.
      List<String> order = new java.util.ArrayList<>();
      for (int i = 0; i < 41; i++) {
        HttpResponse<Buffer> r = fresh.get("/x").send().await();
        assertEquals(200, r.statusCode());
        order.add(upstreamOf(r));
      }
      for (int i = 1; i < order.size(); i++) {
        assertTrue(!order.get(i).equals(order.get(i - 1)), "requests " + (i - 1) + " and " + i + " went to the same target: " + order);
      }
    } finally {
      fresh.close();
    }
  }

  @Test
  void listenersOnSeveralEventLoopsShareOneInFlightCount(Vertx vertx) {
    gw = GatewayHarness.start(vertx, twoTargets("least-requests"), "default", 4);
    io.vertx.core.Promise<Void> release = a.holdAnswers();
    WebClient fresh = connectionPerRequest(vertx);
    try {
      // a holds every answer, b answers at once. With one in-flight count, once a request waits at a
      // every listener sees a busier than b and sends the rest to b: a gets exactly one. With a count
      // per listener, each of the four listeners would send one to a.
      List<io.vertx.core.Future<HttpResponse<Buffer>>> sent = oneByOne(vertx, fresh, 24);
      assertEquals(1, a.requests.get(), "requests waiting at a at once");
      assertEquals(23, b.requests.get());
      release.complete();
      io.vertx.core.Future.all(sent).await();
      assertTrue(sent.stream().allMatch(f -> f.result().statusCode() == 200));
      Poll.until(vertx, Duration.ofSeconds(30), "in-flight counts back to zero", () -> gw.status()
          .getJsonArray("upstreams").getJsonObject(0).getJsonArray("targets").stream()
          .allMatch(t -> ((JsonObject) t).getInteger("active") == 0));
    } finally {
      fresh.close();
    }
  }

  @Test
  void leastRequestsSendsNewRequestsToTheIdleTarget(Vertx vertx) {
    gw = GatewayHarness.start(vertx, pool("least-requests", ""));
    io.vertx.core.Promise<Void> releaseA = a.holdAnswers();
    io.vertx.core.Promise<Void> releaseC = c.holdAnswers();
    List<io.vertx.core.Future<HttpResponse<Buffer>>> sent = oneByOne(vertx, gw.client, 40);
    // a and c keep what they got; b, never busy, takes every request after the first few.
    assertTrue(b.requests.get() >= 37, "a " + a.requests + ", b " + b.requests + ", c " + c.requests);
    releaseA.complete();
    releaseC.complete();
    io.vertx.core.Future.all(sent).await();
  }

  /**
   * Sends {@code n} requests, each once the one before was answered or is being held by a target
   * (a held request still counts as in flight at the gateway).
   */
  private List<io.vertx.core.Future<HttpResponse<Buffer>>> oneByOne(Vertx vertx, WebClient client, int n) {
    List<io.vertx.core.Future<HttpResponse<Buffer>>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      int arrived = a.requests.get() + b.requests.get() + c.requests.get();
      io.vertx.core.Future<HttpResponse<Buffer>> r = client.get("/x").send();
      sent.add(r);
      Poll.until(vertx, Duration.ofSeconds(30), "request " + i + " answered or held by a target",
          () -> r.isComplete() || a.requests.get() + b.requests.get() + c.requests.get() > arrived);
    }
    return sent;
  }

  @Test
  void aKilledTargetIsEjectedWithoutClientErrorsAndReturnsWhenHealthy(Vertx vertx) {
    gw = GatewayHarness.start(vertx, pool("round-robin",
        // the active check runs every second, so that the passive ejection (at the first request after c
        // dies) comes first however slowly c stops on a busy machine
        "    health-check: {path: /health, interval-ms: 1000, healthy-threshold: 1, unhealthy-threshold: 1}\n"
            + "    outlier: {consecutive-failures: 1, base-ejection-ms: 60000}\n"));
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      if (i == 100) {
        c.stop();
      }
      HttpResponse<Buffer> r = gw.get("/x");
      assertEquals(200, r.statusCode(), "request " + i + ": " + r.bodyAsString());
      seen.merge(upstreamOf(r), 1, Integer::sum);
    }
    int cBefore = c.requests.get();
    assertTrue(cBefore >= 45 && cBefore <= 55, "c served only before it died: " + cBefore);
    JsonObject target = gw.status().getJsonArray("upstreams").getJsonObject(0).getJsonArray("targets").getJsonObject(2);
    assertEquals(true, target.getBoolean("ejected"), "passively ejected at its first connect failure");
    Poll.until(vertx, Duration.ofSeconds(10), "c marked unhealthy by the active check", () -> !gw.status()
        .getJsonArray("upstreams").getJsonObject(0).getJsonArray("targets").getJsonObject(2).getBoolean("healthy"));

    c.startOn(c.port());
    Poll.until(vertx, Duration.ofSeconds(10), "c healthy again", () -> gw.status().getJsonArray("upstreams")
        .getJsonObject(0).getJsonArray("targets").getJsonObject(2).getBoolean("healthy"));
    gw.many(100, 1, i -> gw.client.get("/x").send());
    assertTrue(c.requests.get() > cBefore, "traffic returns to c");
  }

  @Test
  void trafficStaysInTheLocalZoneAndFailsOverWhenItIsDown(Vertx vertx) {
    String spec = "upstreams:\n"
        + "  - name: zoned\n"
        + "    health-check: {path: /health, interval-ms: 100, healthy-threshold: 1, unhealthy-threshold: 1}\n"
        + "    targets:\n"
        + "      - {url: '" + a.url() + "', zone: eu-1}\n"
        + "      - {url: '" + b.url() + "', zone: eu-2}\n"
        + "      - {url: '" + c.url() + "', zone: eu-2}\n"
        + "routes:\n"
        + "  - {id: z, match: {path: /**}, upstream: zoned}\n";
    gw = GatewayHarness.start(vertx, spec, "eu-1");
    assertEquals(Map.of("a", 50L), shares(gw.many(50, 5, i -> gw.client.get("/x").send())));
    a.healthStatus = 503;
    Poll.until(vertx, Duration.ofSeconds(10), "a unhealthy", () -> !gw.status().getJsonArray("upstreams")
        .getJsonObject(0).getJsonArray("targets").getJsonObject(0).getBoolean("healthy"));
    Map<String, Long> failover = shares(gw.many(50, 5, i -> gw.client.get("/x").send()));
    assertEquals(50L, failover.getOrDefault("b", 0L) + failover.getOrDefault("c", 0L), failover.toString());
    a.healthStatus = 200;
    Poll.until(vertx, Duration.ofSeconds(10), "a healthy", () -> gw.status().getJsonArray("upstreams")
        .getJsonObject(0).getJsonArray("targets").getJsonObject(0).getBoolean("healthy"));
    assertEquals(Map.of("a", 20L), shares(gw.many(20, 5, i -> gw.client.get("/x").send())));
  }
}
