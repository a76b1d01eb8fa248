package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL (what an OOM kill does) leaves no embedded server behind for long,
 * and the next start on the same data directory is as quick as after a clean stop, with every
 * order that was acknowledged with 201.
 */
class CrashRestartIT {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> acknowledged = new LinkedHashMap<>();

  private JarNode launch() throws IOException {
    return JarNode.launch(dir, "--http-port", "0", "--cluster-port", "0", "--cluster-name", "crash-it",
        "--data-dir", dir.resolve("data").toString());
  }

  @Test
  void aNodeKilledWithSigkillRestartsOnItsDataDirWithinTwiceANormalRestartAndKeepsEveryAcknowledgedOrder()
      throws Exception {
    Set<Long> everyBackend = new HashSet<>();
    try (JarNode first = launch()) {
      first.awaitReady(180);
      placeOrders(first, 3);
      assertTrue(first.stop(30), "a clean stop exits 0:\n" + first.output());
    }

    long normal;
    try (JarNode second = launch()) {
      normal = second.readyMillis(180);
      System.out.println("start after a clean stop:\n" + second.output());
      placeOrders(second, 3);
      Set<Long> backends = backendPids();
      assertEquals(2, backends.size(), "a live postmaster and redis-server: " + backends);
      everyBackend.addAll(backends);
      // The watchdogs die with the node here: what is left is what a crash leaves when nothing
      // cleans up after it, so the next start has to stop it.
      second.process().toHandle().children()
          .filter(p -> p.info().commandLine().map(c -> c.contains("gantry-watchdog")).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
      second.kill9();
      assertTrue(backends.stream().allMatch(CrashRestartIT::alive), "orphans after kill -9: " + backends);
    }

    long afterCrash;
    try (JarNode third = launch()) {
      afterCrash = third.readyMillis(180);
      System.out.println("start after kill -9 with orphans left:\n" + third.output());
      assertTrue(everyBackend.stream().noneMatch(CrashRestartIT::alive), "the orphans were stopped");
      assertEveryOrderThere(third);
      placeOrders(third, 3);
      Set<Long> backends = backendPids();
      everyBackend.addAll(backends);
      third.kill9(); // the watchdogs are alive this time: they stop Postgres and Redis themselves
      assertTrue(awaitGone(backends, Duration.ofSeconds(20)), "the watchdogs stopped " + backends);
    }

    try (JarNode fourth = launch()) {
      fourth.awaitReady(180);
      assertEveryOrderThere(fourth);
      everyBackend.addAll(backendPids());
      assertTrue(fourth.stop(30), "a clean stop exits 0:\n" + fourth.output());
    }
    assertTrue(awaitGone(everyBackend, Duration.ofSeconds(10)), "no embedded server is left: " + everyBackend);
    System.out.printf("restart after a clean stop: ready in %d ms; after kill -9 with orphans left: %d ms%n",
        normal / 1_000_000, afterCrash / 1_000_000);
    // The figure is twice a clean restart (measured 12.3 vs 24.0 s, 11.9 vs 17.0 s, 5.5 vs 11.2 s
    // here); on two shared cores one run missed it by 3 %. What this guards is the hang it replaced
    // (over 60 s at "starting embedded postgres"): so twice, plus five seconds of a busy machine.
    assertTrue(afterCrash <= 2 * normal + 5_000_000_000L, "ready " + afterCrash / 1_000_000 + " ms after kill -9, "
        + normal / 1_000_000 + " ms after a clean stop");
  }

  private void placeOrders(JarNode node, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + node.httpPort() + "/api/orders"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"productId\":" + (1 + acknowledged.size() % 9)
              + ",\"quantity\":1}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, created.statusCode(), created.body());
      acknowledged.put(created.headers().firstValue("Location").orElseThrow(), created.body());
    }
  }

  private void assertEveryOrderThere(JarNode node) throws Exception {
    for (Map.Entry<String, String> order : acknowledged.entrySet()) {
      HttpResponse<String> read = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + node.httpPort() + order.getKey())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, read.statusCode(), order.getKey() + ": " + read.body());
      assertEquals(new io.vertx.core.json.JsonObject(order.getValue()), new io.vertx.core.json.JsonObject(read.body()));
    }
  }

  /** The postmaster and redis-server of the data directory, from their pid files. */
  private Set<Long> backendPids() throws IOException {
    return List.of("data/postgres/postmaster.pid", "data/redis/redis.pid").stream()
        .map(dir::resolve).filter(Files::exists).map(CrashRestartIT::firstLine)
        .flatMap(Optional::stream).collect(Collectors.toSet());
  }

  private static Optional<Long> firstLine(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readAllLines(file).get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Alive and not a zombie waiting for a parent that never reaps it. */
  private static boolean alive(long pid) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  private static boolean awaitGone(Set<Long> pids, Duration within) {
    long until = System.nanoTime() + within.toNanos();
    while (pids.stream().anyMatch(CrashRestartIT::alive)) {
      if (System.nanoTime() > until) {
        return false;
      }
      ProcessHandle.of(pids.stream().filter(CrashRestartIT::alive).findFirst().orElse(-1L))
          .ifPresent(p -> p.onExit().completeOnTimeout(p, 200, java.util.concurrent.TimeUnit.MILLISECONDS).join());
    }
    return true;
  }
}
