package dev.gantry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a server's data directory, held while that server runs, in a file beside
 * it ({@code postgres.lock} next to {@code postgres/}: initdb wants an empty directory). The operating
 * system drops it when its process dies, however it dies: holding it proves that no live process
 * owns the directory, so any server still running on it was left behind by a dead one.
 */
final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or fails at once naming the directory when a live process holds it. */
  static DataDirLock acquire(Path dir, String what) {
    Path file = dir.toAbsolutePath().resolveSibling(dir.getFileName() + ".lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(dir, what);
      }
      return new DataDirLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      close(channel);
      throw inUse(dir, what);
    } catch (IOException e) {
      close(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    } catch (RuntimeException e) {
      close(channel);
      throw e;
    }
  }

  private static IllegalStateException inUse(Path dir, String what) {
    return new IllegalStateException("the embedded " + what + " data directory " + dir
        + " is in use by another running process (another node on the same data dir?)");
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing was locked through it
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it as well
    }
    close(channel);
  }
}
