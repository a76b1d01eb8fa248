package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.embedded.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service nodes killed with SIGKILL under sequential load: requests in flight to a dead node fail
 * over at once instead of waiting out the deadline, the catalog drops its instances when the
 * cluster notices, and the last node standing answers everything; a service that ran only on the
 * dead nodes (the warehouse) fails fast, and the node directory lists only the survivor.
 */
class NodeLossIT {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void killingTwoOfThreeServiceNodesDuring600GetsCostsNoErrorAndNoRequestOverOneSecond() throws Exception {
    clusterPort = FreePort.pick();
    java.nio.file.Files.writeString(dir.resolve("a.yaml"), "admin: {token: loss-it-token, port: 0}\n");
    try (JarNode a = JarNode.launch(dir, "--config", dir.resolve("a.yaml").toString(), "--roles", "gateway,services",
            "--http-port", "0", "--cluster-port", Integer.toString(clusterPort),
            "--cluster-name", "loss-it", "--data-dir", dir.resolve("a").toString())) {
      a.awaitReady(180);
      try (JarNode b = joining("b"); JarNode c = joining("c")) {
        b.awaitReady(180);
        c.awaitReady(180);
        String url = "http://127.0.0.1:" + a.httpPort() + "/api/products/1";
        awaitServedByAll(url, Set.of(a.nodeId(), b.nodeId(), c.nodeId()));
        String analytics = "http://127.0.0.1:" + a.httpPort() + "/api/analytics";
        assertEquals(200, get(analytics).statusCode(), "the warehouse answers from b or c");

        AtomicInteger sent = new AtomicInteger();
        Thread killer = new Thread(() -> {
          try {
            awaitCount(sent, 200);
            System.out.println(java.time.LocalTime.now() + " kill -9 b");
            b.kill9();
            awaitCount(sent, 400);
            System.out.println(java.time.LocalTime.now() + " kill -9 c");
            c.kill9();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "node-killer");
        killer.start();
        List<String> errors = new ArrayList<>();
        Map<Long, Integer> slowest = new TreeMap<>();
        long max = 0;
        for (int i = 0; i < 600; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = get(url);
          long millis = (System.nanoTime() - t0) / 1_000_000;
          sent.incrementAndGet();
          max = Math.max(max, millis);
          slowest.put(millis, i);
          if (r.statusCode() != 200) {
            errors.add("#" + i + " " + r.statusCode() + " " + r.body());
          }
        }
        killer.join(30_000);
        assertTrue(!b.process().isAlive() && !c.process().isAlive(), "both were killed");
        System.out.printf("600 GETs, two of three service nodes killed: %d errors, slowest %d ms (request #%d)%n",
            errors.size(), max, slowest.get(max));
        System.out.println("the gateway node's log:\n" + a.output());
        assertEquals(List.of(), errors);
        assertTrue(max < 1_000, "slowest request took " + max + " ms");

        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 10; i++) {
          HttpResponse<String> r = get(url);
          assertEquals(200, r.statusCode(), r.body());
          servedBy.add(r.headers().firstValue("X-Gantry-Served-By").orElseThrow());
        }
        assertEquals(Set.of(a.nodeId()), servedBy, "the survivor answers 10 of 10");
        assertTrue(a.output().contains("withdrew") && a.output().contains(b.nodeId()) && a.output().contains(c.nodeId()),
            "the dead nodes' catalog records were withdrawn:\n" + a.output());

        // The warehouse ran on b and c only: a call to it is refused at once, not at its deadline.
        long t0 = System.nanoTime();
        HttpResponse<String> gone = get(analytics);
        long goneMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("a service whose nodes are all dead: %d in %d ms: %s%n", gone.statusCode(), goneMillis, gone.body());
        assertEquals(503, gone.statusCode(), gone.body());
        assertTrue(gone.body().contains("no instance of service analytics"), gone.body());
        assertTrue(goneMillis < 1_000, "failed fast: " + goneMillis + " ms");
        java.util.regex.Matcher admin = java.util.regex.Pattern.compile("admin API on http://127\\.0\\.0\\.1:(\\d+)")
            .matcher(a.output());
        assertTrue(admin.find(), a.output());
        HttpResponse<String> directory = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.group(1)
            + "/admin/cluster")).header("Authorization", "Bearer loss-it-token").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, directory.statusCode(), directory.body());
        assertEquals(List.of(a.nodeId()), new io.vertx.core.json.JsonObject(directory.body()).getJsonArray("nodes").stream()
            .map(n -> ((io.vertx.core.json.JsonObject) n).getString("node")).toList(), "the node directory lists the survivor only");
      }
      assertTrue(a.stop(30), a.output());
    }
  }

  private JarNode joining(String name) throws Exception {
    return JarNode.launch(dir, "--roles", "services,analytics", "--join", "127.0.0.1:" + clusterPortOf(), "--cluster-port", "0",
        "--cluster-name", "loss-it", "--data-dir", dir.resolve(name).toString());
  }

  private int clusterPort;

  private int clusterPortOf() {
    return clusterPort;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until every node has served a request (the gateway's catalog is at most a second old). */
  private void awaitServedByAll(String url, Set<String> nodes) throws Exception {
    Set<String> seen = new HashSet<>();
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!seen.containsAll(nodes)) {
      assertTrue(System.nanoTime() < until, "served by " + seen + ", expected " + nodes);
      HttpResponse<String> r = get(url);
      assertEquals(200, r.statusCode(), r.body());
      r.headers().firstValue("X-Gantry-Served-By").ifPresent(seen::add);
    }
  }

  private static void awaitCount(AtomicInteger count, int atLeast) throws InterruptedException {
    synchronized (count) {
      while (count.get() < atLeast) {
        count.wait(5);
      }
    }
  }
}
