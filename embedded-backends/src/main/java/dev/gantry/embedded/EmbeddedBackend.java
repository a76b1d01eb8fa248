package dev.gantry.embedded;

/** A running embedded server: where to reach it, and how to stop it (blocking). */
public interface EmbeddedBackend extends AutoCloseable {
  /** A URL or bootstrap string clients connect to. */
  String endpoint();

  /** Stops the server and waits for it; its data stays on disk. */
  @Override
  void close();
}
