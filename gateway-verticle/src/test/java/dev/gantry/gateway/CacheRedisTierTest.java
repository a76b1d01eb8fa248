package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two gateways sharing the cache's Redis tier: what one fetched, the other serves; a purge reaches both tiers. */
@ExtendWith(VertxExtension.class)
class CacheRedisTierTest {
  private HttpServer origin;
  private final AtomicInteger calls = new AtomicInteger();
  private GatewayHarness a;
  private GatewayHarness b;
  private String redisUrl;
  @TempDir
  Path data;

  @BeforeEach
  void start(Vertx vertx) {
    origin = vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Cache-Control", "max-age=300").putHeader("Cache-Tag", "item-" + req.path().substring(1))
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("call", calls.incrementAndGet()).put("path", req.path()).encode()))
        .listen(0, "127.0.0.1").await();
    String redis = TestBackends.shared().newRedisUrl();
    redisUrl = redis;
    String routes = "upstreams:\n  - {name: origin, targets: [{url: 'http://127.0.0.1:" + origin.actualPort()
        + "'}]}\nroutes:\n  - {id: shared, match: {path: /s/**}, upstream: origin, rewrite: /,"
        + " policies: [{cache: {shared: redis}}]}\n";
    a = GatewayHarness.start(vertx, routes, null, redis, data);
    b = GatewayHarness.start(vertx, routes, null, redis, data);
  }

  @AfterEach
  void stop() {
    a.stop();
    b.stop();
    origin.close().await();
  }

  /** The same Host on both nodes, as behind one load balancer: the host is part of the key. */
  private static HttpResponse<Buffer> get(GatewayHarness node, String path) {
    return node.client.get(path).putHeader("Host", "shop.test").send().await();
  }

  @Test
  void whatOneNodeFetchedTheOtherServesAndAPurgeEmptiesBoth(Vertx vertx) {
    HttpResponse<Buffer> first = get(a, "/s/1");
    assertEquals("MISS", first.getHeader("X-Cache"));
    io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(vertx, redisUrl);
    try {
      io.vertx.redis.client.RedisAPI redis = io.vertx.redis.client.RedisAPI.api(client);
      long deadline = System.currentTimeMillis() + 3_000;
      while (redis.keys("gantry:cache:e:*").await().size() == 0 && System.currentTimeMillis() < deadline) {
        vertx.timer(10).await(); // the store into Redis follows the answer
      }
    } finally {
      client.close();
    }
    HttpResponse<Buffer> other = get(b, "/s/1");
    assertEquals("HIT", other.getHeader("X-Cache"));
    assertEquals(first.bodyAsString(), other.bodyAsString());
    assertEquals(1, calls.get(), "one origin request for two nodes");

    assertEquals(202, a.admin.post("/admin/cache/purge").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .sendJsonObject(new JsonObject().put("tag", "item-1")).await().statusCode());
    long deadline = System.currentTimeMillis() + 3_000;
    String onB;
    do {
      onB = get(b, "/s/1").getHeader("X-Cache");
    } while (!"MISS".equals(onB) && System.currentTimeMillis() < deadline);
    assertEquals("MISS", onB, "purged from b's memory and from Redis");
  }

  @Test
  void aBadSharedSettingIsRefused() {
    try {
      dev.gantry.gateway.spec.GatewaySpec.fromYaml("routes:\n  - {id: r, match: {path: /r}, upstream: up,"
          + " policies: [{cache: {shared: memcached}}]}\nupstreams:\n  - {name: up, targets: [{url: 'http://127.0.0.1:1'}]}\n");
      throw new AssertionError("accepted");
    } catch (dev.gantry.codecs.ServiceException e) {
      assertEquals("routes[0].policies[0].cache.shared: must be none or redis", e.detail());
    }
  }
}
