package dev.gantry.runtime;

import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import dev.gantry.testkit.TestBackends;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Builds node configurations for tests: free ports, a cluster of their own, the kit's backends. */
final class TestNodes {
  /**
   * Data directories made for nodes, removed when the test JVM ends (after every node stopped):
   * the suite leaves no temp dir behind.
   */
  private static final java.util.List<java.nio.file.Path> DATA_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> DATA_DIRS.forEach(TestNodes::delete), "test-nodes-cleanup"));
  }

  private TestNodes() {}

  private static void delete(java.nio.file.Path dir) {
    try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // already gone, or left for the OS to clean
    }
  }

  /** Flags for a node on the test kit's backends, in a fresh database and Redis index. */
  static Map<String, String> onKitBackends(String clusterName) {
    TestBackends kit = TestBackends.shared();
    Map<String, String> flags = base(clusterName);
    flags.put("pg.url", kit.newPgDatabase());
    flags.put("redis.url", kit.newRedisUrl());
    flags.put("kafka.bootstrap", kit.kafkaBootstrap());
    return flags;
  }

  static Map<String, String> base(String clusterName) {
    Map<String, String> flags = new HashMap<>();
    flags.put("http.host", "127.0.0.1");
    flags.put("http.port", "0");
    flags.put("cluster.port", "0");
    flags.put("cluster.name", clusterName);
    flags.put("outbox.poll-interval-ms", "100");
    flags.put("shutdown.grace-ms", "2000");
    try {
      java.nio.file.Path dir = Files.createTempDirectory("gantry-node");
      DATA_DIRS.add(dir);
      flags.put("data-dir", dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return flags;
  }

  /** An upstream on a free loopback port answering every request with {@code {"path": <its URI>}}. */
  static io.vertx.core.http.HttpServer uriEcho(io.vertx.core.Vertx vertx) {
    return vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "application/json")
        .end(new io.vertx.core.json.JsonObject().put("path", req.uri()).encode())).listen(0, "127.0.0.1").await();
  }

  static String uniqueCluster(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static GantryConfig config(Map<String, String> flags) {
    return ConfigLoader.load(null, Map.of(), Map.of(), flags);
  }

  static Gantry start(Map<String, String> flags) throws Exception {
    return Gantry.start(config(flags)).await(3, TimeUnit.MINUTES);
  }

  static void stop(Gantry node) throws Exception {
    if (node != null) {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }
}
