package dev.gantry.embedded;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBackendsTest {
  @TempDir Path dir;

  @Test
  void allThreeStartAndStop() {
    long t0 = System.nanoTime();
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"));
         EmbeddedRedisServer redis = EmbeddedRedisServer.start(dir.resolve("redis"));
         EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
      assertTrue(pg.endpoint().startsWith("postgresql://"));
      assertTrue(redis.endpoint().startsWith("redis://"));
      assertTrue(kafka.endpoint().startsWith("127.0.0.1:"));
      System.err.println("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }
}
