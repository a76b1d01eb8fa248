package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.embedded.FreePort;
import dev.gantry.testkit.TestBackends;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping nodes from the jar: a SIGTERM during start-up is honoured once the node is up (exit 0,
 * not the JVM's 143), and a rolling restart of both gateway nodes behind HAProxy, which
 * health-checks {@code /health/ready}, fails no request of a steady load. {@code chaos/run} runs
 * the rolling restart longer ({@code -Dchaos.rounds}, {@code -Dchaos.clients}).
 */
class RollingRestartIT {
  static final int ROUNDS = Integer.getInteger("chaos.rounds", 1);
  static final int CLIENTS = Integer.getInteger("chaos.clients", 4);
  @TempDir Path dir;

  @Test
  void aSigtermDuringStartUpStopsTheNodeOnceStartedWithExitZero() throws Exception {
    try (JarNode node = JarNode.launch(dir, "--config", kitConfig().toString(), "--http-port", "0", "--cluster-port", "0",
        "--cluster-name", "early-term", "--data-dir", dir.resolve("data").toString())) {
      awaitLine(node, "network transport", Duration.ofMinutes(3)); // clustered, services not deployed yet
      node.sigterm();
      assertTrue(node.process().waitFor(3, TimeUnit.MINUTES), "exits after SIGTERM:\n" + node.output());
      assertEquals(0, node.process().exitValue(), "exit status after a SIGTERM during start-up (143: the JVM's "
          + "default handler ended it):\n" + node.output());
      awaitLine(node, "SIGTERM during start-up", Duration.ofSeconds(30)); // the output is read on a thread of its own
      awaitLine(node, "Gantry ready", Duration.ofSeconds(30));
      awaitLine(node, "stopped", Duration.ofSeconds(30));
    }
  }

  /** Configured backends (the test kit's), so that nodes restart one after the other on the same data. */
  private Path kitConfig() throws IOException {
    Path config = dir.resolve("gantry.yaml");
    if (Files.notExists(config)) {
      TestBackends kit = TestBackends.shared();
      Files.writeString(config, """
          pg: {url: '%s'}
          redis: {url: '%s'}
          kafka: {bootstrap: '%s'}
          shutdown: {drain-ms: 2000, grace-ms: 10000}
          """.formatted(kit.newPgDatabase(), kit.newRedisUrl(), kit.kafkaBootstrap()));
    }
    return config;
  }

  @Test
  void aRollingRestartOfTwoGatewayNodesBehindHaproxyFailsNoRequestOfASteadyLoad() throws Exception {
    Path config = kitConfig();
    int[] picked = FreePort.pick(5);
    int[] http = {picked[0], picked[1]};
    int[] cluster = {picked[2], picked[3]};
    String[] names = {"a", "b"};
    JarNode[] nodes = new JarNode[2];
    List<JarNode> stopped = new ArrayList<>();
    Path haproxyConfig = dir.resolve("haproxy.cfg");
    int front = picked[4];
    Files.writeString(haproxyConfig, """
        global
          maxconn 2000
          log stderr format raw local0 info
        defaults
          mode http
          log global
          option log-health-checks
          timeout check 3s
          timeout connect 2s
          timeout client 30s
          timeout server 30s
          retries 3
          option redispatch
        frontend front
          no log
          bind 127.0.0.1:%d
          default_backend gantry
        backend gantry
          option httpchk GET /health/ready
          http-check expect status 200
          default-server inter 200ms fall 2 rise 2
          http-response set-header X-Gateway %%s
          server a 127.0.0.1:%d check
          server b 127.0.0.1:%d check
        """.formatted(front, http[0], http[1]));
    Process haproxy = null;
    Load load = null;
    try {
      nodes[0] = launch(config, names[0], http[0], cluster[0], null);
      nodes[0].awaitReady(180);
      nodes[1] = launch(config, names[1], http[1], cluster[1], cluster[0]);
      nodes[1].awaitReady(180);
      haproxy = new ProcessBuilder(haproxy(), "-db", "-f", haproxyConfig.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
      awaitListening(haproxy, front, Duration.ofSeconds(30));
      String url = "http://127.0.0.1:" + front + "/api/products/1";
      load = new Load(url, CLIENTS);
      load.awaitGateways(List.of("a", "b"), Duration.ofSeconds(60));

      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < 2; i++) {
          int other = 1 - i;
          long t0 = System.nanoTime();
          System.out.println(java.time.LocalTime.now() + " SIGTERM to node " + names[i]);
          assertTrue(nodes[i].stop(60), "node " + names[i] + " exits 0 on SIGTERM:\n" + nodes[i].output());
          long stopMillis = (System.nanoTime() - t0) / 1_000_000;
          stopped.add(nodes[i]);
          load.forget(names[i]);
          // A new cluster port, as a replaced pod gets a new address: the same address under a new
          // member id can wait for the cluster to forget the old one.
          cluster[i] = FreePort.pick(1, http[0], http[1], front, cluster[0], cluster[1])[0];
          nodes[i] = launch(config, names[i], http[i], cluster[i], cluster[other]);
          long readyMillis = nodes[i].readyMillis(180) / 1_000_000;
          load.awaitGateways(List.of(names[i]), Duration.ofSeconds(60));
          System.out.printf("round %d: node %s (now %s) stopped in %d ms, ready again %d ms after launch, back in HAProxy; "
              + "%d requests so far, %d failed%n", round + 1, names[i], nodes[i].nodeId(), stopMillis, readyMillis, load.sent.get(),
              load.failures.size());
        }
      }
      load.stop();
      System.out.printf("rolling restart behind HAProxy (%d rounds, %d clients): %d requests, %d failed, slowest %d ms%n",
          ROUNDS, CLIENTS, load.sent.get(), load.failures.size(), load.slowest.get());
      if (!load.failures.isEmpty()) {
        for (JarNode node : stopped) {
          System.out.println("a stopped node's output:\n" + node.output());
        }
        for (JarNode node : nodes) {
          System.out.println("a running node's output:\n" + node.output());
        }
      }
      assertEquals(List.of(), load.failures.stream().limit(20).toList(), load.failures.size() + " of " + load.sent.get()
          + " requests failed; HAProxy's log:\n" + Files.readString(dir.resolve("haproxy.log")));
      assertTrue(load.sent.get() > 100, "a steady load: " + load.sent.get() + " requests");
    } finally {
      if (load != null) {
        load.stop();
      }
      if (haproxy != null) {
        haproxy.destroy();
        if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
          haproxy.destroyForcibly();
        }
      }
      for (JarNode node : nodes) {
        if (node != null) {
          node.close();
        }
      }
    }
  }

  private JarNode launch(Path config, String name, int httpPort, int clusterPort, Integer join) throws IOException {
    List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--roles", "gateway,services",
        "--http-port", Integer.toString(httpPort), "--cluster-port", Integer.toString(clusterPort),
        "--cluster-name", "rolling-it", "--data-dir", dir.resolve(name).toString()));
    if (join != null) {
      args.addAll(List.of("--join", "127.0.0.1:" + join));
    }
    return JarNode.launch(dir, args.toArray(String[]::new));
  }

  static String haproxy() {
    for (String candidate : List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "haproxy"; // from PATH; .ci/test-tools installs it
  }

  /** Until {@code process} accepts connections on {@code port}: the load must not start before HAProxy listens. */
  static void awaitListening(Process process, int port, Duration within) throws Exception {
    long until = System.nanoTime() + within.toNanos();
    while (true) {
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
        return;
      } catch (IOException e) {
        assertTrue(process.isAlive() && System.nanoTime() < until, "not listening on " + port + ": " + e);
        process.onExit().completeOnTimeout(null, 50, TimeUnit.MILLISECONDS).join();
      }
    }
  }

  static void awaitLine(JarNode node, String text, Duration within) throws Exception {
    long until = System.nanoTime() + within.toNanos();
    while (!node.output().contains(text)) {
      assertTrue(System.nanoTime() < until, "no \"" + text + "\" within " + within + ":\n" + node.output());
      node.process().onExit().completeOnTimeout(null, 50, TimeUnit.MILLISECONDS).join();
    }
  }

  /** {@code clients} threads sending GETs one after another, each failure and the slowest answer kept. */
  static final class Load {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicLong slowest = new AtomicLong();
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> byGateway = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Load(String url, int clients) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      for (int c = 0; c < clients; c++) {
        Thread t = new Thread(() -> {
          while (running.get()) {
            long t0 = System.nanoTime();
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                  .build(), HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() != 200) {
                failures.add(java.time.LocalTime.now() + " " + r.statusCode() + " " + r.body());
              }
              r.headers().firstValue("X-Gateway").ifPresent(g -> byGateway.computeIfAbsent(g, k -> new AtomicInteger())
                  .incrementAndGet());
            } catch (IOException e) {
              failures.add(java.time.LocalTime.now() + " " + e + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            } catch (InterruptedException e) {
              return;
            }
            sent.incrementAndGet();
            slowest.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
          }
        }, "load-" + c);
        t.start();
        threads.add(t);
      }
    }

    /** Starts counting the answers of {@code gateway} from zero. */
    void forget(String gateway) {
      byGateway.remove(gateway);
    }

    /** Waits until each of {@code gateways} has answered at least 20 requests (since it was forgotten). */
    void awaitGateways(List<String> gateways, Duration within) throws InterruptedException {
      long until = System.nanoTime() + within.toNanos();
      while (!gateways.stream().allMatch(g -> byGateway.getOrDefault(g, new AtomicInteger()).get() >= 20)) {
        assertTrue(System.nanoTime() < until, "HAProxy sent to " + byGateway + ", waiting for " + gateways);
        synchronized (this) {
          wait(50);
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }
}
