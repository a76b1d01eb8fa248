package dev.gantry.gateway;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of {@code slowhttptest} (Debian's package, 1.8.x), the slow-connection attack tool issue
 * #11 names. It opens its connections at a set rate and keeps each one's request unfinished by
 * sending a little more every second; it never closes one itself before its time limit, so it
 * stops early ("No open connections left") only once the server has closed them all. Its CSV
 * gives the counts once a second; its debug log names each connection's answer and close.
 */
final class SlowAttack implements AutoCloseable {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  private static final Pattern EXIT_STATUS = Pattern.compile("Exit status:\\s*(.+)");
  /** A slow connection (not the tool's probe) that the server closed or reset. */
  private static final Pattern CLOSED = Pattern.compile(
      "run_test: socket \\d+ closed:|run_test:error sending (initial slow request|follow up data) on socket \\d+");
  /** A slow connection's first answer line, logged as the tool read it. */
  private static final Pattern ANSWERED = Pattern.compile("run_test: socket \\d+ replied \\d+ bytes:\\s*\\n(HTTP/1\\.1 \\d{3})");

  /** What is left unfinished. */
  enum Mode {
    /** Slowloris: headers that never end. */
    HEADERS("-H"),
    /** R-U-Dead-Yet: a declared body sent a few bytes at a time. */
    BODY("-B");

    final String flag;

    Mode(String flag) {
      this.flag = flag;
    }
  }

  /**
   * The tool's count at one second of the run; the service counts as available while the tool's
   * own probe request (a whole one, once every few seconds) is answered.
   */
  record Second(int second, int closed, int pending, int connected, boolean serviceAvailable) {}

  /**
   * The tool's account of a run: its counts each second, why it stopped, how many of its slow
   * connections the server closed and how many got an answer with {@code status} before that.
   */
  record Report(List<Second> seconds, String exitStatus, int closed, int answered, String output) {
    /** Most connections the tool held open at one of its once-a-second counts. */
    int peakConnected() {
      return seconds.stream().mapToInt(Second::connected).max().orElse(0);
    }

    boolean serviceAlwaysAvailable() {
      return seconds.stream().allMatch(Second::serviceAvailable);
    }

    @Override
    public String toString() {
      return "exit status \"" + exitStatus + "\", " + closed + " closed by the server, " + answered
          + " answered first; per second (closed/pending/connected): " + seconds.stream()
          .map(s -> s.second() + "s " + s.closed() + "/" + s.pending() + "/" + s.connected()
              + (s.serviceAvailable() ? "" : " service unavailable")).toList();
    }
  }

  private final Process process;
  private final Path csv;
  private final Path log;

  private SlowAttack(Process process, Path csv, Path log) {
    this.process = process;
    this.csv = csv;
    this.log = log;
  }

  /** The {@code slowhttptest} on the PATH, if there is one. */
  static Optional<Path> binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "slowhttptest");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Starts {@code connections} slow connections to {@code url}, opened at {@code perSecond}, each
   * sending a few more bytes every second, for at most {@code maxSeconds}; its files go in {@code dir}.
   */
  static SlowAttack start(Path binary, Mode mode, int connections, int perSecond, String url, int maxSeconds,
      Path dir) {
    Path files = dir.resolve("slowhttptest");
    Path log = dir.resolve("slowhttptest.log");
    List<String> command = List.of(binary.toString(), mode.flag,
        "-c", String.valueOf(connections), "-r", String.valueOf(perSecond),
        "-i", "1", "-x", "10", // a short line (a header, or a body's name=value) every second
        "-s", "8192", // the body length declared in BODY mode
        "-p", "3", // its probe: the service counts as unavailable when a whole request goes 3 s unanswered
        "-l", String.valueOf(maxSeconds),
        "-v", "4", // debug: each connection's answer and close
        "-g", "-o", files.toString(), "-u", url);
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      return new SlowAttack(process, Path.of(files + ".csv"), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isRunning() {
    return process.isAlive();
  }

  /** Waits for the run to end (it ends by itself within its time limit) and reads its account. */
  Report report(long maxSeconds, String status) {
    try {
      if (!process.waitFor(maxSeconds, TimeUnit.SECONDS)) {
        throw new AssertionError("slowhttptest still running after " + maxSeconds + " s");
      }
      String output = ANSI.matcher(Files.readString(log)).replaceAll("");
      Matcher exit = EXIT_STATUS.matcher(output);
      String exitStatus = exit.find() ? exit.group(1).trim() : "(none)";
      int closed = (int) CLOSED.matcher(output).results().count();
      int answered = (int) ANSWERED.matcher(output).results().filter(m -> m.group(1).equals(status)).count();
      List<Second> seconds = new ArrayList<>();
      // Seconds,Closed,Pending,Connected,Service Available (the connection count while it was, else 0)
      for (String line : Files.exists(csv) ? Files.readAllLines(csv) : List.<String>of()) {
        String[] f = line.split(",");
        if (f.length == 5 && !f[0].equals("Seconds")) {
          seconds.add(new Second(Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()),
              Integer.parseInt(f[2].trim()), Integer.parseInt(f[3].trim()), Integer.parseInt(f[4].trim()) > 0));
        }
      }
      if (seconds.isEmpty()) {
        throw new AssertionError("slowhttptest recorded nothing; it said:\n" + output);
      }
      return new Report(seconds, exitStatus, closed, answered, output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Stops the run if it is still going (a failed test); its connections close with it. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
