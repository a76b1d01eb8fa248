package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.embedded.EmbeddedRedisServer;
import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits while their Redis goes away and comes back: this test's own Redis (the test kit's shared
 * one is never stopped), two gateway nodes on it, a route that falls back to local counting and
 * one that refuses while the store is down.
 */
@ExtendWith(VertxExtension.class)
class RateLimitStoreOutageTest {
  private static final long ROUTE_TIMEOUT_MILLIS = 2_000;
  private final List<GatewayHarness> gateways = new ArrayList<>();
  private TestUpstream upstream;
  private EmbeddedRedisServer redis;
  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    gateways.forEach(GatewayHarness::stop);
    if (upstream != null) {
      upstream.stop();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static String route(String id, String onFailure) {
    return "{id: " + id + ", match: {path: /" + id + "/**}, upstream: up, timeout-ms: " + ROUTE_TIMEOUT_MILLIS
        + ", policies: [{rate-limit: {limit: 5, window: 1m, key: 'header:X-Client', on-store-failure: " + onFailure
        + ", store-timeout: 250ms}}]}";
  }

  private static HttpResponse<Buffer> get(GatewayHarness gw, String path, String client) {
    return gw.client.get(path).putHeader("X-Client", client).send().await();
  }

  /** What the RateLimit field says remains, from {@code "default";r=N;t=T}. */
  private static int remaining(HttpResponse<Buffer> r) {
    String field = r.getHeader("RateLimit");
    assertNotNull(field, "status " + r.statusCode() + " without RateLimit");
    return Integer.parseInt(field.replaceAll(".*;r=(\\d+);.*", "$1"));
  }

  /** Whether a fresh client's requests on both nodes count against one shared counter (Redis). */
  private static boolean shared(GatewayHarness a, GatewayHarness b, String path, String client) {
    HttpResponse<Buffer> first = get(a, path, client);
    HttpResponse<Buffer> second = get(b, path, client);
    return first.statusCode() == 200 && second.statusCode() == 200 && remaining(second) == 3;
  }

  @Test
  void whileRedisIsDownAllowLocalCountsPerNodeAndDenyAnswers503ThenRedisIsUsedAgain(Vertx vertx) {
    redis = EmbeddedRedisServer.start(dir.resolve("redis"));
    upstream = new TestUpstream(vertx, "up").start();
    String yaml = GatewayHarness.routesTo(upstream, route("allow", "allow-local"), route("deny", "deny"));
    GatewayHarness a = GatewayHarness.start(vertx, yaml, null, redis.endpoint(), dir.resolve("a"));
    gateways.add(a);
    GatewayHarness b = GatewayHarness.start(vertx, yaml, null, redis.endpoint(), dir.resolve("b"));
    gateways.add(b);
    assertTrue(shared(a, b, "/allow/x", "before"), "with Redis up both nodes count together");
    assertTrue(shared(a, b, "/deny/x", "before"));

    redis.close();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> r = get(a, "/allow/x", "during");
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(millis < ROUTE_TIMEOUT_MILLIS, "answered in " + millis + " ms");
      statuses.add(r.statusCode());
      assertEquals(r.statusCode() == 200 ? 4 - i : 0, remaining(r), "counted locally: " + statuses);
    }
    assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429), statuses,
        "the node counts alone against the limit divided by its gateway nodes (one, as the tests run)");
    for (int i = 0; i < 5; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> r = get(a, "/deny/x", "during");
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(503, r.statusCode());
      assertEquals("application/problem+json", r.getHeader("Content-Type"));
      assertEquals("1", r.getHeader("Retry-After"));
      assertEquals("\"default\";q=5;w=60", r.getHeader("RateLimit-Policy"));
      assertTrue(millis < 1_000, "a deny route answers 503 quickly, not after the route's deadline: " + millis + " ms");
    }
    assertTrue(a.registry.scrape().contains("gantry_policy_refusals_total{policy=\"rate-limit\","
        + "reason=\"store-unavailable\",route=\"deny\",status=\"503\"} 5.0"), a.registry.scrape());

    redis = EmbeddedRedisServer.start(dir.resolve("redis"), redis.port());
    int[] fresh = {0};
    Poll.until(vertx, Duration.ofSeconds(15), "both nodes count in Redis again",
        () -> shared(a, b, "/allow/x", "after-" + fresh[0]++));
    Poll.until(vertx, Duration.ofSeconds(15), "the deny route admits again",
        () -> get(a, "/deny/x", "after-" + fresh[0]++).statusCode() == 200 && shared(a, b, "/deny/x", "after-" + fresh[0]++));
  }
}
