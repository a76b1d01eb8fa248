package dev.gantry.gateway.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Redis store against the test kit's Redis, and against one that never answers. */
@ExtendWith(VertxExtension.class)
class RedisLimiterTest {
  private static final String URL = TestBackends.shared().newRedisUrl();
  private Redis client;
  private RedisAPI api;

  @BeforeEach
  void connect(Vertx vertx) {
    client = Redis.createClient(vertx, URL);
    api = RedisAPI.api(client);
    api.flushdb(List.of()).await();
  }

  @AfterEach
  void close() {
    client.close();
  }

  private static List<Window> minute(long limit) {
    return List.of(Window.sliding("default", limit, 60_000, System.currentTimeMillis()));
  }

  @Test
  void aRedisThatForgotTheScriptIsSentItWholeAndCountingGoesOn() {
    RedisLimiter limiter = new RedisLimiter(() -> api, 1_000);
    assertEquals(2, limiter.acquire("s", minute(3)).await().remaining());
    client.send(Request.cmd(Command.SCRIPT).arg("FLUSH")).await(); // as after a Redis restart
    assertEquals(1, limiter.acquire("s", minute(3)).await().remaining());
    assertEquals(0, limiter.acquire("s", minute(3)).await().remaining());
    assertFalse(limiter.acquire("s", minute(3)).await().allowed());
  }

  @Test
  void countersLiveUnderTheSubjectAsHashTagAndExpire() {
    RedisLimiter limiter = new RedisLimiter(() -> api, 1_000);
    Window w = minute(3).get(0);
    limiter.acquire("rl|api|ip:192.0.2.1", List.of(w)).await();
    String key = "gantry:{rl|api|ip:192.0.2.1}:" + w.key();
    assertEquals("1", api.get(key).await().toString());
    long ttl = api.pttl(key).await().toLong();
    assertTrue(ttl > 60_000 && ttl <= w.ttlMillis(), "expires after the next window: " + ttl);
  }

  @Test
  void aRedisThatNeverAnswersFailsTheDecisionWithinTheTimeout(Vertx vertx) {
    NetServer silent = vertx.createNetServer().connectHandler(socket -> { }); // accepts, reads nothing, says nothing
    silent.listen(0, "127.0.0.1").await();
    Redis mute = Redis.createClient(vertx, "redis://127.0.0.1:" + silent.actualPort());
    try {
      RedisLimiter limiter = new RedisLimiter(() -> RedisAPI.api(mute), 200);
      long started = System.nanoTime();
      Throwable failure = limiter.acquire("s", minute(3)).transform(ar -> io.vertx.core.Future.succeededFuture(
          ar.cause())).await();
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertInstanceOf(Throwable.class, failure, "the decision failed");
      assertTrue(millis < 1_500, "failed after " + millis + " ms");
    } finally {
      mute.close();
      silent.close().await();
    }
  }

  @Test
  void noRedisConfiguredIsAStoreFailure() {
    Throwable failure = new RedisLimiter(() -> null, 200).acquire("s", minute(3)).cause();
    assertInstanceOf(StoreUnavailableException.class, failure);
  }
}
