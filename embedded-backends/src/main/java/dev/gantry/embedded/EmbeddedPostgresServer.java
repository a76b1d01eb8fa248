package dev.gantry.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Postgres from zonky's embedded binaries, as a child process with its cluster under a directory.
 * A postmaster that a dead process left running on the directory is stopped before the start
 * (fast shutdown, so its data is consistent and reused), and a {@link Watchdog} stops this one if
 * the JVM dies without closing it.
 */
public final class EmbeddedPostgresServer implements EmbeddedBackend {
  private final EmbeddedPostgres postgres;
  private final DataDirLock lock;
  private final Watchdog watchdog;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, DataDirLock lock, Watchdog watchdog) {
    this.postgres = postgres;
    this.lock = lock;
    this.watchdog = watchdog;
  }

  /** The postmaster's pid file; SIGINT is Postgres' fast shutdown, SIGQUIT its immediate one. */
  static PidFile pidFile(Path dataDir) {
    return new PidFile(dataDir.resolve("postmaster.pid"), "postgres", List.of("INT", "QUIT"));
  }

  /** Starts Postgres on a free loopback port; initialises the cluster only when the directory is new. */
  public static EmbeddedPostgresServer start(Path dataDir) {
    return start(dataDir, 0);
  }

  /** As {@link #start(Path)}, on {@code port} when positive: started again on its directory and port, the same server to its clients. */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    DataDirLock lock = null;
    try {
      Files.createDirectories(dataDir);
      lock = DataDirLock.acquire(dataDir, "postgres");
      PidFile pidFile = pidFile(dataDir);
      pidFile.stopLeftover();
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port > 0 ? port : FreePort.pick())
          .setRegisterShutdownHook(true)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "200")
          .start();
      return new EmbeddedPostgresServer(postgres, lock, Watchdog.guard(pidFile));
    } catch (IOException e) {
      if (lock != null) {
        lock.close();
      }
      throw new UncheckedIOException("embedded Postgres did not start in " + dataDir, e);
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public String endpoint() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Postgres did not stop cleanly", e);
    } finally {
      watchdog.release();
      lock.close();
    }
  }
}
