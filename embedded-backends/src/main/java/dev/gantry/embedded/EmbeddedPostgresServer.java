package dev.gantry.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Postgres from zonky's embedded binaries, as a child process with its cluster under a directory. */
public final class EmbeddedPostgresServer implements EmbeddedBackend {
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts Postgres on a free loopback port; initialises the cluster only when the directory is new. */
  public static EmbeddedPostgresServer start(Path dataDir) {
    return start(dataDir, 0);
  }

  /** As {@link #start(Path)}, on {@code port} when positive: started again on its directory and port, the same server to its clients. */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port > 0 ? port : FreePort.pick())
          .setRegisterShutdownHook(true)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "200")
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Postgres did not start in " + dataDir, e);
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
    }
  }
}
