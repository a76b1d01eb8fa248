package dev.gantry.gateway.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The {@code quota} policy: calendar periods in Redis, moved by a test clock instead of waited for. */
@ExtendWith(VertxExtension.class)
class QuotaTest {
  private static final String URL = TestBackends.shared().newRedisUrl();
  private Redis client;
  private RedisAPI redis;
  private PolicyServer server;
  @TempDir
  Path dir;

  @BeforeEach
  void emptyRedis(Vertx vertx) {
    client = Redis.createClient(vertx, URL);
    redis = RedisAPI.api(client);
    redis.flushdb(List.of()).await();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    client.close();
  }

  private static HttpResponse<Buffer> as(PolicyServer s, String consumer) {
    return s.get("/orders/1", "X-Test-Subject", "user-of-" + consumer, "X-Test-Consumer", consumer);
  }

  @Test
  void aDailyQuotaIsExhaustedThenTheNextDayStartsAtZero(Vertx vertx) {
    MutableClock clock = new MutableClock(Instant.parse("2025-06-14T23:58:30Z"));
    server = PolicyServer.start(vertx, new QuotaType(clock), "{\"limit\": 3, \"period\": \"day\"}", URL, dir);
    for (int remaining = 2; remaining >= 0; remaining--) {
      HttpResponse<Buffer> ok = as(server, "acme");
      assertEquals(200, ok.statusCode());
      assertEquals("\"quota\";q=3;w=86400", ok.getHeader("RateLimit-Policy"));
      assertEquals("\"quota\";r=" + remaining + ";t=90", ok.getHeader("RateLimit"));
    }
    HttpResponse<Buffer> refused = as(server, "acme");
    assertEquals(429, refused.statusCode());
    assertEquals("application/problem+json", refused.getHeader("Content-Type"));
    assertEquals("90", refused.getHeader("Retry-After"), "until midnight UTC");
    assertEquals(200, as(server, "globex").statusCode(), "each consumer has a quota of its own");

    clock.advance(Duration.ofSeconds(91));
    HttpResponse<Buffer> nextDay = as(server, "acme");
    assertEquals(200, nextDay.statusCode());
    assertEquals("\"quota\";r=2;t=86399", nextDay.getHeader("RateLimit"));
  }

  @Test
  void aMonthlyQuotaSurvivesARestartAndItsCounterExpiresWithTheMonth(Vertx vertx) {
    MutableClock clock = new MutableClock(Instant.parse("2025-02-27T12:00:00Z"));
    String config = "{\"limit\": 2, \"period\": \"month\", \"key\": \"consumer\"}";
    server = PolicyServer.start(vertx, new QuotaType(clock), config, URL, dir);
    assertEquals(200, as(server, "acme").statusCode());
    assertEquals("\"quota\";q=2;w=2419200", as(server, "acme").getHeader("RateLimit-Policy"), "February: 28 days");
    server.close();

    server = PolicyServer.start(vertx, new QuotaType(clock), config, URL, dir); // a restarted node
    HttpResponse<Buffer> refused = as(server, "acme");
    assertEquals(429, refused.statusCode(), "the count is in Redis, not in the node");
    assertEquals(Long.toString(36 * 3600), refused.getHeader("Retry-After"), "until 1 March, 00:00 UTC");
    List<String> keys = redis.keys("gantry:*").await().stream().map(Object::toString).toList();
    assertEquals(1, keys.size(), keys.toString());
    assertTrue(keys.get(0).startsWith("gantry:{quota|orders|con:") && keys.get(0).endsWith("}:quota:2025-02"), keys.get(0));
    long ttl = redis.pttl(keys.get(0)).await().toLong();
    assertTrue(ttl > 36 * 3_600_000L - 60_000 && ttl <= 36 * 3_600_000L + 1_000, "expires as February ends: " + ttl);

    clock.set(Instant.parse("2025-03-01T00:00:00Z"));
    assertEquals(200, as(server, "acme").statusCode(), "March counts from zero");
  }

  @Test
  void aRequestWithoutAConsumerIsCountedByItsAddress(Vertx vertx) {
    MutableClock clock = new MutableClock(Instant.parse("2025-06-14T12:00:00Z"));
    server = PolicyServer.start(vertx, new QuotaType(clock), "{\"limit\": 1, \"period\": \"day\"}", URL, dir);
    assertEquals(200, server.get("/orders/1").statusCode());
    assertEquals(429, server.get("/orders/1").statusCode(), "anonymous requests from one address share its count");
    assertEquals(200, as(server, "acme").statusCode(), "not the consumer's");
  }
}
