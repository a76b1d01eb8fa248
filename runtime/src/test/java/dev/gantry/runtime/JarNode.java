package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code java -jar gantry.jar} child process for integration tests: its output is read on a
 * thread of its own (kept for failure messages), and {@link #awaitReady} waits for the ready line.
 */
final class JarNode implements AutoCloseable {
  static final Pattern READY = Pattern.compile(
      "Gantry ready(?: on http://127\\.0\\.0\\.1:(\\d+))? \\(roles: ([a-z,]+); node (\\S+); cluster (\\S+), (\\d+) members\\)");

  private final Process process;
  private final long launchedAt = System.nanoTime();
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
  private volatile long readyAt;

  private JarNode(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "gantry-node-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("gantry.jar", "target/gantry.jar"));
    assertTrue(Files.exists(jar), "build the jar first: " + jar);
    return jar;
  }

  /** Launches the jar with {@code args} in {@code workDir}, with no GANTRY_ variables inherited. */
  static JarNode launch(Path workDir, String... args) throws IOException {
    return launch(workDir, List.of(), args);
  }

  /** As {@link #launch(Path, String...)}, with options for the JVM ({@code -Xmx512m}, {@code -Dgantry.…}). */
  static JarNode launch(Path workDir, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("GANTRY_"));
    return new JarNode(builder.start());
  }

  private void read() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
        Matcher m = READY.matcher(line);
        if (!ready.isDone() && m.find()) {
          readyAt = System.nanoTime();
          ready.complete(m);
        }
      }
    } catch (IOException e) {
      // the process ended and its pipe closed
    }
    ready.completeExceptionally(new AssertionError("exited before the ready line:\n" + output()));
  }

  /** Waits for the ready line; fails with the node's output if it does not come in time. */
  Matcher awaitReady(long seconds) throws Exception {
    try {
      return ready.get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("not ready within " + seconds + " s:\n" + output());
    }
  }

  /** Milliseconds from launch to the ready line. */
  long readyMillis(long seconds) throws Exception {
    awaitReady(seconds);
    return readyAt - launchedAt;
  }

  int httpPort() throws Exception {
    return Integer.parseInt(awaitReady(0).group(1));
  }

  String nodeId() throws Exception {
    return awaitReady(0).group(3);
  }

  Process process() {
    return process;
  }

  /** The process's resident set size in MiB, from {@code /proc/<pid>/status}. */
  long rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    throw new IOException("no VmRSS for " + process.pid());
  }

  /** The lines the process wrote so far. */
  List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** SIGKILL, as an OOM killer would: no shutdown hook runs. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM. Through the process handle: {@link Process#destroy()} also closes our end of the
   * node's output, and what the node logs while it stops would be lost (its log queue drops lines
   * it cannot write).
   */
  void sigterm() {
    process.toHandle().destroy();
  }

  /** SIGTERM, then waits for the exit; true when it exited in time with status 0. */
  boolean stop(long seconds) throws InterruptedException {
    sigterm();
    return process.waitFor(seconds, TimeUnit.SECONDS) && process.exitValue() == 0;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
