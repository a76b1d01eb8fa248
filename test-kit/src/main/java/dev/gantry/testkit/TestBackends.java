package dev.gantry.testkit;

import dev.gantry.embedded.EmbeddedKafkaBroker;
import dev.gantry.embedded.EmbeddedPostgresServer;
import dev.gantry.embedded.EmbeddedRedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real backends for tests, started on first use and stopped when the JVM exits. The one static
 * holder is deliberate: "once per test JVM" is the point of a test kit.
 */
public final class TestBackends {
  private static TestBackends shared;

  private final Path dir;
  private final EmbeddedPostgresServer postgres;
  private final EmbeddedRedisServer redis;
  private final EmbeddedKafkaBroker kafka;
  private final AtomicInteger databases = new AtomicInteger();
  private final AtomicInteger redisIndexes = new AtomicInteger();

  private TestBackends(Path dir) {
    this.dir = dir;
    this.postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
    this.redis = EmbeddedRedisServer.start(dir.resolve("redis"));
    this.kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
  }

  /** The backends of this JVM, started on the first call. */
  public static synchronized TestBackends shared() {
    if (shared == null) {
      try {
        TestBackends backends = new TestBackends(Files.createTempDirectory("gantry-test-backends"));
        Runtime.getRuntime().addShutdownHook(new Thread(backends::stop, "test-backends-stop"));
        shared = backends;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** A new, empty Postgres database on the shared server. */
  public String newPgDatabase() {
    String name = "test_" + databases.incrementAndGet();
    String admin = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres";
    try (Connection c = DriverManager.getConnection(admin, "postgres", "");
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return "postgresql://postgres@127.0.0.1:" + postgres.port() + "/" + name;
  }

  /** A Redis URL selecting a database index no other caller got (1 to 63). */
  public String newRedisUrl() {
    int index = redisIndexes.incrementAndGet();
    if (index > 63) {
      throw new IllegalStateException("the test kit hands out at most 63 Redis databases");
    }
    return redis.endpoint() + "/" + index;
  }

  public String kafkaBootstrap() {
    return kafka.endpoint();
  }

  private void stop() {
    kafka.close();
    redis.close();
    postgres.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // the temp dir is left for the OS to clean; nothing else depends on it
    }
  }
}
