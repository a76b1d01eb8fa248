package dev.gantry.bench;

import dev.gantry.gateway.traffic.Decision;
import dev.gantry.gateway.traffic.LocalLimiter;
import dev.gantry.embedded.EmbeddedRedisServer;
import dev.gantry.gateway.traffic.RedisLimiter;
import dev.gantry.gateway.traffic.ReservingLimiter;
import dev.gantry.gateway.traffic.Window;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One rate-limit decision as a request pays for it: the windows made for this instant, then the
 * store's check-and-count. Local: one hot client, and a rotation over 50,000 clients (the LRU's
 * lookups and evictions). Redis: one script round trip to the Redis named by the system property
 * {@code gantry.bench.redis} (without it, an embedded Redis started for the trial), awaited from
 * the benchmark thread — latency of a single decision, not throughput of many in flight. Reserved:
 * the same limit through {@link ReservingLimiter}, which takes batches of 1000 permits from Redis
 * and admits from them locally, so one decision in a thousand pays the round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RateLimitBench {
  private static final long LIMIT = Long.MAX_VALUE / 4; // never refuses: every decision counts
  private LocalLimiter local;
  private String[] clients;
  private int next;

  @Setup
  public void setUp() {
    local = new LocalLimiter(LocalLimiter.DEFAULT_MAX_SUBJECTS);
    clients = new String[50_000];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = "rl|orders|ip:10." + (i >> 16 & 0xFF) + '.' + (i >> 8 & 0xFF) + '.' + (i & 0xFF);
    }
  }

  private static List<Window> windows() {
    return List.of(Window.sliding("default", LIMIT, 60_000, System.currentTimeMillis()));
  }

  @Benchmark
  public Decision localHotClient() {
    return local.decide("rl|orders|ip:192.0.2.1", windows());
  }

  @Benchmark
  public Decision localManyClients() {
    next = next == clients.length - 1 ? 0 : next + 1;
    return local.decide(clients[next], windows());
  }

  /** The Redis store; its own state, so the local benchmarks run without a Redis. */
  @State(Scope.Benchmark)
  public static class OnRedis {
    Vertx vertx;
    Redis client;
    RedisLimiter limiter;
    ReservingLimiter reserving;
    EmbeddedRedisServer embedded;
    Path dataDir;

    @Setup(Level.Trial)
    public void connect() throws IOException {
      String url = System.getProperty("gantry.bench.redis");
      if (url == null) {
        dataDir = Files.createTempDirectory("gantry-bench-redis"); // its lock file goes beside redis/, inside
        embedded = EmbeddedRedisServer.start(dataDir.resolve("redis"), 0);
        url = embedded.endpoint();
      }
      vertx = Vertx.vertx();
      client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url));
      RedisAPI api = RedisAPI.api(client);
      limiter = new RedisLimiter(() -> api, 1_000);
      reserving = ReservingLimiter.of(limiter, 1);
      limiter.acquire("bench", windows()).await(); // fails here, once, when there is no Redis
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      client.close();
      vertx.close().await();
      if (embedded != null) {
        embedded.close();
        try (var files = Files.walk(dataDir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  @Benchmark
  public Decision redisOneDecision(OnRedis redis) {
    return redis.limiter.acquire("rl|orders|ip:192.0.2.1", windows()).await();
  }

  @Benchmark
  public Decision redisReservedDecision(OnRedis redis) {
    return redis.reserving.acquire("rl|orders|ip:192.0.2.1", windows()).await();
  }
}
