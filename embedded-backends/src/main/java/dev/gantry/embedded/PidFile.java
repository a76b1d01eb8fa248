package dev.gantry.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file in which a server writes its process id (Postgres' {@code postmaster.pid}, Redis'
 * {@code pidfile}), and the signals that stop that server, gentlest first.
 *
 * @param command  a fragment of the server's executable path: a live process with another
 *                 executable merely reuses the pid, and is never signalled
 * @param signals  signal names for {@code kill -s}, each given {@link #GRACE} before the next
 */
record PidFile(Path file, String command, List<String> signals) {
  private static final Logger LOG = LoggerFactory.getLogger(PidFile.class);
  static final Duration GRACE = Duration.ofSeconds(15);

  /** The live process the file names, if it runs the expected executable. */
  Optional<ProcessHandle> process() {
    Optional<Long> pid = pid();
    return pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains(command)).orElse(false))
        .filter(p -> !zombie(p.pid()));
  }

  /**
   * Stops a server that a dead process left running on this data directory (the caller holds the
   * directory's {@link DataDirLock}, so no live owner exists) and waits until it is gone; a file
   * naming no such process is stale and removed. The server's data stays and is reused.
   */
  void stopLeftover() {
    if (!Files.exists(file)) {
      return;
    }
    Optional<ProcessHandle> left = process();
    if (left.isEmpty()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("cannot remove the stale {}: {}", file, e.getMessage());
      }
      return;
    }
    ProcessHandle process = left.get();
    for (String signal : signals) {
      LOG.warn("stopping {} (pid {}) left running by a process that died; its data is kept", command,
          process.pid());
      signal(process.pid(), signal);
      if (exited(process, GRACE)) {
        return;
      }
    }
    LOG.warn("{} (pid {}) ignored {}: killing it", command, process.pid(), signals);
    process.destroyForcibly();
    if (!exited(process, GRACE)) {
      throw new IllegalStateException(command + " (pid " + process.pid() + ") on " + file.getParent()
          + " does not stop; stop it by hand");
    }
  }

  private Optional<Long> pid() {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill to stop pid " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean exited(ProcessHandle process, Duration grace) {
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return zombie(process.pid());
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** An exited process not yet reaped by its parent still answers to its pid. */
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
