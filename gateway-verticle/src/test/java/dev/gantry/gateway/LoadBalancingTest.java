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

  private String hashed(String hashOn, TestUpstream... targets) {
    StringBuilder yaml = new StringBuilder("upstreams:\n  - name: pool\n    algorithm: consistent-hash\n")
        .append("    hash-on: ").append(hashOn).append("\n    targets:\n");
    for (TestUpstream t : targets) {
      yaml.append("      - {url: '").append(t.url()).append("'}\n");
    }
    return yaml.append("routes:\n  - {id: all, match: {path: /**}, upstream: pool}\n").toString();
  }

  @Test
  void consistentHashMovesOnlyTheKeysOfARemovedTarget(Vertx vertx) {
    gw = GatewayHarness.start(vertx, hashed("header:X-User", a, b, c));
    Function<Integer, io.vertx.core.Future<HttpResponse<Buffer>>> byUser =
        i -> gw.client.get("/x").putHeader("X-User", "user-" + i).send();
    List<HttpResponse<Buffer>> before = gw.many(600, 20, byUser);
    assertEquals(java.util.Set.of("a", "b", "c"), shares(before).keySet());

    assertEquals(200, gw.admin.put("/admin/spec").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .sendJsonObject(dev.gantry.gateway.spec.GatewaySpec.fromYaml(hashed("header:X-User", a, b)).toJson())
        .await().statusCode());
    List<HttpResponse<Buffer>> after = gw.many(600, 20, byUser);
    int moved = 0;
    for (int i = 0; i < 600; i++) {
      String was = upstreamOf(before.get(i));
      String now = upstreamOf(after.get(i));
      if (!was.equals("c")) {
        assertEquals(was, now, "user-" + i + " was on " + was + ", which is still there");
      } else {
        assertTrue(now.equals("a") || now.equals("b"));
        moved++;
      }
    }
    assertEquals(shares(before).get("c").intValue(), moved, "exactly the removed target's keys moved");
  }

  @Test
  void hashOnACookieKeepsASessionOnOneTarget(Vertx vertx) {
    gw = GatewayHarness.start(vertx, hashed("cookie:sid", a, b, c));
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int session = 0; session < 30; session++) {
      String sid = "session-" + session;
      java.util.Set<String> targets = new java.util.HashSet<>();
      for (int i = 0; i < 5; i++) {
        targets.add(upstreamOf(gw.client.get("/x").putHeader("Cookie", "theme=dark; sid=" + sid + "; n=" + i)
            .send().await()));
      }
      assertEquals(1, targets.size(), sid + " went to " + targets);
      used.addAll(targets);
    }
    assertEquals(java.util.Set.of("a", "b", "c"), used, "sessions spread over the targets");
  }

  @Test
  void hashOnTheClientIpKeepsAClientOnOneTarget(Vertx vertx) {
    gw = GatewayHarness.start(vertx, hashed("client-ip", a, b, c));
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int host = 2; host < 32; host++) {
      WebClient from = WebClient.create(vertx, new WebClientOptions().setDefaultPort(gw.gateway.actualPort())
          .setLocalAddress("127.0.0." + host).setKeepAlive(false));
      try {
        java.util.Set<String> targets = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
          targets.add(upstreamOf(from.get("/x").send().await()));
        }
        assertEquals(1, targets.size(), "127.0.0." + host + " went to " + targets);
        used.addAll(targets);
      } finally {
        from.close();
      }
    }
    assertTrue(used.size() >= 2, "clients spread over the targets: " + used);
  }

  @Test
  void noMoreThanMaxEjectedPercentOfAPoolIsEjectedAtOnce(Vertx vertx) {
    TestUpstream d = new TestUpstream(vertx, "d").start();
    String spec = """
        upstreams:
          - name: dead
            outlier: {consecutive-failures: 1, base-ejection-ms: 600000, max-ejected-percent: 50}
            targets: [{url: '%s'}, {url: '%s'}, {url: '%s'}, {url: '%s'}]
        routes:
          - {id: dead, match: {path: /**}, upstream: dead}
        """.formatted(a.url(), b.url(), c.url(), d.url());
    List.of(a, b, c, d).forEach(TestUpstream::stop); // all four refuse connections
    gw = GatewayHarness.start(vertx, spec);
    for (int i = 0; i < 20; i++) {
      assertEquals(502, gw.get("/x").statusCode());
    }
    List<Object> targets = gw.status().getJsonArray("upstreams").getJsonObject(0).getJsonArray("targets").getList();
    long ejected = gw.status().getJsonArray("upstreams").getJsonObject(0).getJsonArray("targets").stream()
        .filter(t -> ((JsonObject) t).getBoolean("ejected")).count();
    assertEquals(2, ejected, "half of four targets at most, though all four fail: " + targets);
  }

  private String zoned(int minHealthyPercent) {
    return """
        upstreams:
          - name: zoned
            health-check: {path: /health, interval-ms: 100, healthy-threshold: 1, unhealthy-threshold: 1}
            zone-min-healthy-percent: %d
            targets: [{url: '%s', zone: eu-1}, {url: '%s', zone: eu-1}, {url: '%s', zone: eu-2}]
        routes:
          - {id: z, match: {path: /**}, upstream: zoned}
        """.formatted(minHealthyPercent, a.url(), b.url(), c.url());
  }

  private void awaitUnhealthy(Vertx vertx, int target) {
    Poll.until(vertx, Duration.ofSeconds(30), "target " + target + " unhealthy", () -> !gw.status()
        .getJsonArray("upstreams").getJsonObject(0).getJsonArray("targets").getJsonObject(target).getBoolean("healthy"));
  }

  @Test
  void trafficStaysInTheZoneWhileItsHealthyShareIsAtLeastZoneMinHealthyPercent(Vertx vertx) {
    b.healthStatus = 503; // one of the two eu-1 targets down: eu-1 is 50 % available
    gw = GatewayHarness.start(vertx, zoned(50), "eu-1");
    awaitUnhealthy(vertx, 1);
    assertEquals(Map.of("a", 40L), shares(gw.many(40, 4, i -> gw.client.get("/x").send())), "50 % is enough");
    gw.stop();

    gw = GatewayHarness.start(vertx, zoned(60), "eu-1");
    awaitUnhealthy(vertx, 1);
    Map<String, Long> spread = shares(gw.many(40, 4, i -> gw.client.get("/x").send()));
    assertEquals(java.util.Set.of("a", "c"), spread.keySet(), "below 60 %: every zone's available targets " + spread);
  }
}
