package dev.gantry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import redis.embedded.RedisServer;

/**
 * Redis from the binaries in the embedded-redis jar, persisting to an append-only file. A Redis
 * that a dead process left running on the directory is stopped before the start (SIGTERM: it
 * flushes its append-only file), and a {@link Watchdog} stops this one if the JVM dies without
 * closing it.
 */
public final class EmbeddedRedisServer implements EmbeddedBackend {
  private final RedisServer server;
  private final int port;
  private final DataDirLock lock;
  private final Watchdog watchdog;

  private EmbeddedRedisServer(RedisServer server, int port, DataDirLock lock, Watchdog watchdog) {
    this.server = server;
    this.port = port;
    this.lock = lock;
    this.watchdog = watchdog;
  }

  /** Redis writes its pid there (the {@code pidfile} setting) and removes it when it stops. */
  static PidFile pidFile(Path dataDir) {
    return new PidFile(dataDir.resolve("redis.pid"), "redis", List.of("TERM"));
  }

  /** Starts Redis on a free loopback port (or {@code port} when positive) with data under {@code dataDir}. */
  public static EmbeddedRedisServer start(Path dataDir, int port) {
    int chosen = port > 0 ? port : FreePort.pick();
    DataDirLock lock = null;
    try {
      Files.createDirectories(dataDir);
      lock = DataDirLock.acquire(dataDir, "redis");
      PidFile pidFile = pidFile(dataDir);
      pidFile.stopLeftover();
      RedisServer server = RedisServer.newRedisServer()
          .port(chosen)
          .bind("127.0.0.1")
          .setting("dir " + dataDir.toAbsolutePath())
          .setting("appendonly yes")
          .setting("appendfsync everysec")
          .setting("save \"\"")
          .setting("protected-mode no")
          .setting("databases 64") // one per test that wants its own (the test kit hands them out)
          .setting("pidfile " + pidFile.file().toAbsolutePath())
          .onShutdownForceStop(true)
          .build();
      server.start();
      return new EmbeddedRedisServer(server, chosen, lock, Watchdog.guard(pidFile));
    } catch (IOException e) {
      if (lock != null) {
        lock.close();
      }
      throw new UncheckedIOException("embedded Redis did not start in " + dataDir, e);
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  public static EmbeddedRedisServer start(Path dataDir) {
    return start(dataDir, 0);
  }

  public int port() {
    return port;
  }

  @Override
  public String endpoint() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Redis did not stop cleanly", e);
    } finally {
      watchdog.release();
      lock.close();
    }
  }
}
