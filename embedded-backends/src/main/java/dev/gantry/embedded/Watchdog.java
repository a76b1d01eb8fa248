package dev.gantry.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small shell process that stops a server child when this JVM dies without stopping it (kill
 * -9, an OOM kill). It blocks reading a pipe from this JVM; the kernel closes that pipe when the
 * JVM dies, however it dies, and the shell then signals the process its pid file names, if that
 * is still the server. {@link #release()} tells it the server was stopped properly.
 */
final class Watchdog {
  // $1 pid file, $2 signal, $3 fragment of the server's executable name (its /proc comm).
  // Terminal and group signals are ignored: the watchdog must outlive the JVM it guards.
  private static final String SCRIPT = """
      trap '' INT HUP TERM QUIT
      IFS= read -r word
      [ "$word" = released ] && exit 0
      pid=$(head -n 1 "$1" 2>/dev/null)
      case "$pid" in ''|*[!0-9]*) exit 0 ;; esac
      if [ -r "/proc/$pid/comm" ]; then
        case "$(cat "/proc/$pid/comm")" in *"$3"*) ;; *) exit 0 ;; esac
      fi
      kill -s "$2" "$pid" 2>/dev/null
      exit 0
      """;

  private final Process shell;

  private Watchdog(Process shell) {
    this.shell = shell;
  }

  /** Starts a watchdog for the server named in {@code pidFile}; its first signal stops it. */
  static Watchdog guard(PidFile pidFile) {
    try {
      Process shell = new ProcessBuilder("sh", "-c", SCRIPT, "gantry-watchdog",
          pidFile.file().toAbsolutePath().toString(), pidFile.signals().get(0), pidFile.command())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return new Watchdog(shell);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the watchdog for " + pidFile.file(), e);
    }
  }

  long pid() {
    return shell.pid();
  }

  /** The server was stopped by its owner: the watchdog exits without signalling anything. */
  void release() {
    try (OutputStream in = shell.getOutputStream()) {
      in.write("released\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the shell is gone already; nothing is left to release
    }
  }
}
