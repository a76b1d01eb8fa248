package dev.gantry.gateway;

import static dev.gantry.gateway.GatewayHarness.upstreamOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
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

  @Test
  void listenersOnSeveralEventLoopsShareOneBalancerAndOneInFlightCount(Vertx vertx) {
    gw = GatewayHarness.start(vertx, "upstreams:\n  - name: pool\n    targets:\n"
        + "      - {url: '" + a.url() + "'}\n      - {url: '" + b.url() + "'}\n"
        + "routes:\n  - {id: all, match: {path: /**}, upstream: pool}\n", "default", 4);
    assertEquals(4, gw.status().getInteger("listeners"));
    WebClient many = WebClient.create(vertx, new WebClientOptions().setDefaultPort(gw.gateway.actualPort()),
        new PoolOptions().setHttp1MaxSize(32));
    try {
      List<HttpResponse<Buffer>> responses = gw.many(4000, 32, i -> many.get("/x").send());
      assertTrue(responses.stream().allMatch(r -> r.statusCode() == 200));
      // One smooth round robin for all listeners: the two targets alternate exactly.
      assertEquals(Map.of("a", 2000L, "b", 2000L), shares(responses));
      Poll.until(vertx, Duration.ofSeconds(5), "in-flight counts back to zero", () -> gw.status()
          .getJsonArray("upstreams").getJsonObject(0).getJsonArray("targets").stream()
          .allMatch(t -> ((JsonObject) t).getInteger("active") == 0));
    } finally {
      many.close();
    }
  }

  @Test
  void leastRequestsSendsNewRequestsToTheIdleTarget(Vertx vertx) {
    gw = GatewayHarness.start(vertx, pool("least-requests", ""));
    a.delayMillis = 300;
    c.delayMillis = 300;
    Map<String, Long> counts = shares(gw.many(40, 40, i -> gw.client.get("/x").send()));
    assertTrue(counts.getOrDefault("b", 0L) >= 20, "the fast target should take most: " + counts);
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
