package dev.gantry.gateway.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batches of permits against the test kit's Redis, whose script calls are counted: a large limit
 * costs about one call per batch and never admits more than the limit; a small one is decided
 * request by request, exactly as without batches.
 */
@ExtendWith(VertxExtension.class)
class ReservingLimiterTest {
  private static final String URL = TestBackends.shared().newRedisUrl();
  private Redis client;
  private RedisAPI api;
  /** Commands the limiters sent (every one is a script call). */
  private final AtomicInteger calls = new AtomicInteger();
  private RedisAPI counted;
  private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

  @BeforeEach
  void connect(Vertx vertx) {
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(URL)
        .setMaxPoolSize(16).setMaxPoolWaiting(4096)); // as the gateway's own
    api = RedisAPI.api(client);
    api.flushdb(List.of()).await();
    api.script(List.of("LOAD", RedisLimiter.SCRIPT)).await(); // so that every call counted is one EVALSHA
    counted = RedisAPI.api(counting(client));
  }

  @AfterEach
  void close() {
    client.close();
  }

  /** {@code redis}, counting the commands sent through it. */
  private Redis counting(Redis redis) {
    return (Redis) Proxy.newProxyInstance(Redis.class.getClassLoader(), new Class<?>[] {Redis.class},
        (proxy, method, args) -> {
          if (method.getName().equals("send")) {
            calls.incrementAndGet();
          }
          try {
            return method.invoke(redis, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private ReservingLimiter limiter(int nodes) {
    return limiter(nodes, new Reservations(Reservations.DEFAULT_MAX_SUBJECTS));
  }

  private ReservingLimiter limiter(int nodes, Reservations reservations) {
    return new ReservingLimiter(new RedisLimiter(() -> counted, 5_000), reservations, () -> nodes, clock::get);
  }

  /** A minute's window at the test clock's instant: the same keys for the whole test, whenever it runs. */
  private List<Window> minute(long limit) {
    return List.of(Window.sliding("default", limit, 60_000, clock.get()));
  }

  private long counter(String subject, Window w) {
    return Long.parseLong(api.get("gantry:{" + subject + "}:" + w.key()).await().toString());
  }

  @Test
  void theBatchIsAHundredthOfANodesShareOfTheTightestLimitFromOneToAThousand() {
    assertEquals(1, ReservingLimiter.batchSize(minute(100), 2));
    assertEquals(1, ReservingLimiter.batchSize(minute(399), 2));
    assertEquals(2, ReservingLimiter.batchSize(minute(400), 2));
    assertEquals(500, ReservingLimiter.batchSize(minute(100_000), 2));
    assertEquals(1_000, ReservingLimiter.batchSize(minute(1_000_000_000), 1));
    assertEquals(5, ReservingLimiter.batchSize(List.of(Window.sliding("burst", 1_000, 1_000, clock.get()),
        Window.sliding("default", 1_000_000, 60_000, clock.get())), 2), "the tightest limit decides");
  }

  @Test
  void aSmallLimitIsDecidedRequestByRequestExactlyAsWithoutBatches() {
    ReservingLimiter reserving = limiter(2);
    RedisLimiter plain = new RedisLimiter(() -> api, 5_000);
    for (int i = 0; i < 105; i++) {
      Decision a = reserving.acquire("a", minute(100)).await();
      Decision b = plain.acquire("b", minute(100)).await();
      assertEquals(b.allowed(), a.allowed(), "request " + i);
      assertEquals(b.remaining(), a.remaining(), "request " + i);
      assertEquals(b.retryAfterSeconds(), a.retryAfterSeconds(), "request " + i);
    }
    assertEquals(105, calls.get(), "one script call per request");
    assertEquals(100, counter("a", minute(100).get(0)));
  }

  @Test
  void aLargeLimitCostsOneRedisCallPerBatchAndTheFieldsCountDownRequestByRequest() {
    ReservingLimiter limiter = limiter(1);
    List<Window> windows = minute(1_000_000_000);
    for (int i = 1; i <= 10_000; i++) {
      Decision d = limiter.acquire("s", windows).await();
      assertTrue(d.allowed());
      assertEquals(1_000_000_000 - i, d.remaining(), "request " + i);
    }
    assertEquals(10, calls.get(), "a batch of 1000 per call");
    assertEquals(10_000, counter("s", windows.get(0)), "every permit taken was used");
  }

  @Test
  void severalNodesNeverAdmitMoreThanTheLimitAndTheLastPermitsAreGivenOutOneByOne() {
    Reservations a = new Reservations(100);
    Reservations b = new Reservations(100);
    ReservingLimiter nodeA = limiter(2, a);
    ReservingLimiter nodeB = limiter(2, b);
    List<Window> windows = minute(50_000); // batch 250
    int admitted = 0;
    for (int i = 0; i < 60_000; i++) {
      if ((i % 7 < 4 ? nodeA : nodeB).acquire("s", windows).await().allowed()) {
        admitted++;
      }
    }
    assertTrue(admitted <= 50_000, "admitted " + admitted);
    assertTrue(admitted >= 50_000 - 2 * 249, "refused early at most nodes x (batch - 1): admitted " + admitted);
    assertTrue(counter("s", windows.get(0)) <= 50_000);
    // About 200 batches of 250 up to the limit, then one call per refused request, as without batches.
    assertTrue(calls.get() <= 10_000 + 2 * 50_000 / 250, "calls: " + calls.get());
  }

  @Test
  void twoNodesOnSeveralEventLoopsAtOnceNeverAdmitMoreThanTheLimit(Vertx vertx) {
    ReservingLimiter nodeA = limiter(2, new Reservations(100));
    ReservingLimiter nodeB = limiter(2, new Reservations(100));
    List<Window> windows = minute(40_000); // batch 200
    api.set(List.of("gantry:{s}:" + windows.get(0).key(), "37000")).await(); // 3000 left
    List<Future<List<Future<Decision>>>> loops = new ArrayList<>();
    for (int loop = 0; loop < 4; loop++) {
      ReservingLimiter node = loop % 2 == 0 ? nodeA : nodeB;
      io.vertx.core.Promise<List<Future<Decision>>> started = io.vertx.core.Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> {
        List<Future<Decision>> mine = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) { // all in flight at once
          mine.add(node.acquire("s", windows));
        }
        started.complete(mine);
      });
      loops.add(started.future());
    }
    List<Future<Decision>> decisions = new ArrayList<>();
    loops.forEach(l -> decisions.addAll(l.await()));
    Future.join(decisions).await();
    long admitted = decisions.stream().filter(d -> d.result().allowed()).count();
    assertTrue(admitted <= 3_000, "admitted " + admitted);
    assertTrue(admitted >= 3_000 - 2 * 199, "admitted " + admitted);
    assertTrue(counter("s", windows.get(0)) <= 40_000);
  }

  @Test
  void twoLimitsOfOneClientKeepTheirOwnBatches() {
    ReservingLimiter limiter = limiter(1);
    List<Window> perMinute = minute(1_000_000);
    List<Window> perHour = List.of(Window.sliding("hourly", 10_000_000, 3_600_000, clock.get()));
    for (int i = 0; i < 500; i++) {
      assertTrue(limiter.acquire("s", perMinute).await().allowed());
      assertTrue(limiter.acquire("s", perHour).await().allowed());
    }
    assertEquals(2, calls.get(), "one batch for each limit");
  }

  @Test
  void aLimitNearlyReachedGivesItsLastPermitsExactly() {
    List<Window> windows = minute(20_000); // batch 200
    api.set(List.of("gantry:{s}:" + windows.get(0).key(), "19900")).await();
    ReservingLimiter limiter = limiter(1);
    int admitted = 0;
    for (int i = 0; i < 150; i++) {
      Decision d = limiter.acquire("s", windows).await();
      if (d.allowed()) {
        admitted++;
        assertEquals(100 - admitted, d.remaining());
      }
    }
    assertEquals(100, admitted, "the batch does not fit: one permit per call");
    assertEquals(20_000, counter("s", windows.get(0)));
  }

  @Test
  void anExpiredLeaseGivesItsUnusedPermitsBackWithTheNextBatch() {
    ReservingLimiter limiter = limiter(1);
    List<Window> windows = minute(1_000_000); // batch 1000
    for (int i = 0; i < 6; i++) {
      limiter.acquire("s", windows).await();
    }
    assertEquals(1, calls.get());
    assertEquals(1_000, counter("s", windows.get(0)), "the whole batch counted at once");
    clock.addAndGet(ReservingLimiter.LEASE_MILLIS - 1);
    limiter.acquire("s", windows).await();
    assertEquals(1, calls.get(), "still within the lease");
    clock.addAndGet(1);
    Decision d = limiter.acquire("s", windows).await();
    assertEquals(2, calls.get(), "the lease expired: a new batch");
    assertEquals(7 + 1_000, counter("s", windows.get(0)), "993 unused permits given back, 1000 taken");
    assertEquals(1_000_000 - 8, d.remaining());
  }

  @Test
  void aLeaseEndsWithItsWindow() {
    ReservingLimiter limiter = limiter(1);
    long now = clock.get();
    long windowEnds = (Math.floorDiv(now, 60_000) + 1) * 60_000;
    clock.set(windowEnds - 100);
    limiter.acquire("s", minute(1_000_000)).await();
    clock.set(windowEnds - 1);
    limiter.acquire("s", minute(1_000_000)).await();
    assertEquals(1, calls.get());
    clock.set(windowEnds);
    limiter.acquire("s", minute(1_000_000)).await();
    assertEquals(2, calls.get(), "a new window, a new batch");
  }

  @Test
  void concurrentRequestsWaitForTheOneBatchBeingFetched(Vertx vertx) {
    ReservingLimiter limiter = limiter(1);
    List<Window> windows = minute(1_000_000_000);
    List<Future<Decision>> decisions = new ArrayList<>();
    // From several event loops at once, none waiting for another's answer.
    List<Future<List<Future<Decision>>>> loops = new ArrayList<>();
    for (int loop = 0; loop < 4; loop++) {
      io.vertx.core.Context context = vertx.getOrCreateContext();
      io.vertx.core.Promise<List<Future<Decision>>> started = io.vertx.core.Promise.promise();
      context.runOnContext(v -> {
        List<Future<Decision>> mine = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
          mine.add(limiter.acquire("s", windows));
        }
        started.complete(mine);
      });
      loops.add(started.future());
    }
    loops.forEach(l -> decisions.addAll(l.await()));
    Future.all(decisions).await();
    assertTrue(decisions.stream().allMatch(d -> d.result().allowed()));
    assertEquals(1, calls.get(), "1000 requests, one batch of 1000, one call");
    assertEquals(1_000, counter("s", windows.get(0)));
  }

  @Test
  void aFailedBatchFailsEveryRequestWaitingForItAfterOneCall(Vertx vertx) {
    NetServer silent = vertx.createNetServer().connectHandler(socket -> { }); // accepts, never answers
    silent.listen(0, "127.0.0.1").await();
    Redis mute = Redis.createClient(vertx, "redis://127.0.0.1:" + silent.actualPort());
    try {
      RedisAPI muteApi = RedisAPI.api(counting(mute));
      ReservingLimiter limiter = new ReservingLimiter(new RedisLimiter(() -> muteApi, 300), new Reservations(10),
          () -> 1, clock::get);
      List<Future<Decision>> waiting = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        waiting.add(limiter.acquire("s", minute(1_000_000)));
      }
      Future.join(waiting).otherwiseEmpty().await();
      assertTrue(waiting.stream().allMatch(Future::failed));
      assertEquals(1, calls.get(), "one batch asked for, the others waited on it");
    } finally {
      mute.close();
      silent.close().await();
    }
  }

  @Test
  void aStoreFailureStillFallsBackAsThePolicySays() {
    ReservingLimiter limiter = new ReservingLimiter(new RedisLimiter(() -> null, 200),
        new Reservations(10), () -> 1, clock::get);
    assertInstanceOf(StoreUnavailableException.class, limiter.acquire("s", minute(1_000_000)).cause());
    FallbackLimiter deny = new FallbackLimiter(limiter, new LocalLimiter(10), new StoreHealth(),
        StoreFailureMode.DENY, () -> 1);
    assertInstanceOf(StoreUnavailableException.class, deny.acquire("s", minute(1_000_000)).cause());
    FallbackLimiter allowLocal = new FallbackLimiter(limiter, new LocalLimiter(10), new StoreHealth(),
        StoreFailureMode.ALLOW_LOCAL, () -> 1);
    assertTrue(allowLocal.acquire("s", minute(1_000_000)).await().allowed());
  }

  @Test
  void everyLeaseHasEndedWhenTheFirstProbeOfAnOutageIsSent() {
    // Else a probe could be answered from a batch and taken for Redis answering again.
    assertTrue(ReservingLimiter.LEASE_MILLIS < StoreHealth.PROBE_EVERY_MILLIS);
  }

  @Test
  void theSubjectsKeptAreBounded() {
    Reservations reservations = new Reservations(10);
    ReservingLimiter limiter = limiter(1, reservations);
    for (int i = 0; i < 25; i++) {
      limiter.acquire("s" + i, minute(1_000_000)).await();
      assertTrue(reservations.subjects() <= 10);
    }
    assertFalse(reservations.subjects() == 0);
  }
}
