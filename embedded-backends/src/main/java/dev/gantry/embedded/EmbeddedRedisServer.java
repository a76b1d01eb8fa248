package dev.gantry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/** Redis from the binaries in the embedded-redis jar, persisting to an append-only file. */
public final class EmbeddedRedisServer implements EmbeddedBackend {
  private final RedisServer server;
  private final int port;

  private EmbeddedRedisServer(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts Redis on a free loopback port (or {@code port} when positive) with data under {@code dataDir}. */
  public static EmbeddedRedisServer start(Path dataDir, int port) {
    int chosen = port > 0 ? port : FreePort.pick();
    try {
      Files.createDirectories(dataDir);
      RedisServer server = RedisServer.newRedisServer()
          .port(chosen)
          .bind("127.0.0.1")
          .setting("dir " + dataDir.toAbsolutePath())
          .setting("appendonly yes")
          .setting("appendfsync everysec")
          .setting("save \"\"")
          .setting("protected-mode no")
          .onShutdownForceStop(true)
          .build();
      server.start();
      return new EmbeddedRedisServer(server, chosen);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Redis did not start in " + dataDir, e);
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
    }
  }
}
