package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a user runs it: {@code java -jar gantry.jar}, in a child JVM. */
class GantryJarIT {
  static final Pattern READY = Pattern.compile(
      "Gantry ready on http://127\\.0\\.0\\.1:(\\d+) \\(roles: gateway,services; node (\\S+); cluster (\\S+), (\\d+) members\\)");
  @TempDir Path dir;

  private static Path jar() {
    Path jar = Path.of(System.getProperty("gantry.jar", "target/gantry.jar"));
    assertTrue(Files.exists(jar), "build the jar first: " + jar);
    return jar;
  }

  private ProcessBuilder gantry(String... args) {
    return gantryWith(List.of(), args);
  }

  private ProcessBuilder gantryWith(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("GANTRY_"));
    return builder;
  }

  @Test
  void startsWithEmbeddedBackendsServesAndStopsOnSigtermWithExitZero() throws Exception {
    long t0 = System.nanoTime();
    Process process = gantry("--http-port", "0", "--cluster-port", "0", "--cluster-name", "jar-it",
        "--data-dir", dir.resolve("data").toString()).start();
    try {
      Matcher ready = awaitLine(process, READY);
      long startMillis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals("jar-it", ready.group(3));
      assertEquals("1", ready.group(4));
      int port = Integer.parseInt(ready.group(1));

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      HttpResponse<String> product = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/products/1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, product.statusCode(), product.body());
      System.out.printf("gantry.jar: ready %d ms after launch, RSS %s%n", startMillis, rss(process.pid()));

      long s0 = System.nanoTime();
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(15, TimeUnit.SECONDS), "exits within 15 s of SIGTERM");
      assertEquals(0, process.exitValue());
      System.out.printf("gantry.jar: stopped %d ms after SIGTERM%n", (System.nanoTime() - s0) / 1_000_000);
      assertTrue(Files.exists(dir.resolve("data/postgres/PG_VERSION")), "data lives in the data dir");
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSecondJarJoinsTheClusterReusesItsEmbeddedBackendsAndServesRequests() throws Exception {
    int clusterPort = dev.gantry.embedded.FreePort.pick();
    Process first = gantry("--http-port", "0", "--cluster-port", Integer.toString(clusterPort),
        "--cluster-name", "jar-two", "--data-dir", dir.resolve("one").toString()).start();
    Process second = null;
    try {
      Matcher ready = awaitLine(first, READY);
      int port = Integer.parseInt(ready.group(1));
      second = gantry("--roles", "services", "--join", "127.0.0.1:" + clusterPort, "--cluster-port", "0",
          "--cluster-name", "jar-two", "--data-dir", dir.resolve("two").toString()).start();
      List<String> seen = new ArrayList<>();
      Matcher joined = awaitLine(second, Pattern.compile("Gantry ready \\(roles: services; node (\\S+); cluster jar-two, (\\d+) members\\)"), seen);
      assertEquals("2", joined.group(2));
      assertTrue(seen.stream().anyMatch(l -> l.contains("using the cluster's embedded postgres")), String.join("\n", seen));
      assertTrue(Files.notExists(dir.resolve("two/postgres")), "the second node starts no Postgres of its own");

      HttpClient http = HttpClient.newHttpClient();
      java.util.Set<String> servedBy = new java.util.HashSet<>();
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/products/2")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        servedBy.add(r.headers().firstValue("X-Gantry-Served-By").orElseThrow());
      }
      assertEquals(java.util.Set.of(ready.group(2), joined.group(1)), servedBy);

      second.destroy();
      assertTrue(second.waitFor(15, TimeUnit.SECONDS));
      assertEquals(0, second.exitValue());
      first.destroy();
      assertTrue(first.waitFor(15, TimeUnit.SECONDS));
      assertEquals(0, first.exitValue());
    } finally {
      for (Process p : new Process[] {second, first}) {
        if (p != null) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void aOneGibUploadStreamsThroughAGatewayWithA128MibHeap() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    io.vertx.core.http.HttpServer upstream = vertx.createHttpServer().requestHandler(req -> {
      req.handler(b -> received.addAndGet(b.length()));
      req.endHandler(v -> req.response().end(Long.toString(received.get())));
    }).listen(0, "127.0.0.1").await();
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, "upstreams:\n  - {name: sink, targets: [{url: 'http://127.0.0.1:" + upstream.actualPort() + "'}]}\n"
        + "routes:\n  - {id: upload, match: {path: /upload}, upstream: sink, max-body-bytes: 2147483648, timeout-ms: 120000}\n");
    int clusterPort = dev.gantry.embedded.FreePort.pick();
    Process full = gantry("--http-port", "0", "--cluster-port", Integer.toString(clusterPort),
        "--cluster-name", "jar-upload", "--data-dir", dir.resolve("full").toString()).start();
    Process gateway = null;
    try {
      awaitLine(full, READY);
      gateway = gantryWith(List.of("-Xmx128m"), "--roles", "gateway", "--http-port", "0", "--cluster-port", "0",
          "--join", "127.0.0.1:" + clusterPort, "--cluster-name", "jar-upload", "--routes", routes.toString(),
          "--data-dir", dir.resolve("gw").toString()).start();
      Matcher ready = awaitLine(gateway, Pattern.compile("Gantry ready on http://127\\.0\\.0\\.1:(\\d+) \\(roles: gateway;"));
      long size = 1L << 30;
      java.io.InputStream zeros = new java.io.InputStream() {
        long left = size;

        @Override
        public int read() {
          return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (left <= 0) {
            return -1;
          }
          int n = (int) Math.min(len, left);
          java.util.Arrays.fill(b, off, off + n, (byte) 0);
          left -= n;
          return n;
        }
      };
      long t0 = System.nanoTime();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + ready.group(1) + "/upload"))
          .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> zeros), size))
          .build(), HttpResponse.BodyHandlers.ofString());
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(size, received.get());
      assertTrue(gateway.isAlive(), "the 128 MiB gateway survived");
      System.out.printf("1 GiB upload through a -Xmx128m gateway: %d ms (%.0f MiB/s), gateway RSS %s%n",
          millis, 1024 * 1000.0 / millis, rss(gateway.pid()));
    } finally {
      for (Process p : new Process[] {gateway, full}) {
        if (p != null) {
          p.destroy();
          p.waitFor(15, TimeUnit.SECONDS);
          p.destroyForcibly();
        }
      }
      vertx.close().await();
    }
  }

  /** Reads the process's output until a line matches, then keeps draining it in the background. */
  private static Matcher awaitLine(Process process, Pattern pattern) {
    return awaitLine(process, pattern, new ArrayList<>());
  }

  private static Matcher awaitLine(Process process, Pattern pattern, List<String> seen) {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Matcher found = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen.add(line);
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      throw new AssertionError("exited before printing " + pattern + ":\n" + String.join("\n", seen));
    });
    Thread drain = new Thread(() -> {
      try {
        out.lines().forEach(l -> { });
      } catch (java.io.UncheckedIOException e) {
        // the process ended and its pipe closed
      }
    }, "gantry-output");
    drain.setDaemon(true);
    drain.start();
    return found;
  }

  @Test
  void aBadSettingStopsStartupWithOneLineNamingIt() throws Exception {
    ProcessBuilder builder = gantry("--cluster-port", "0");
    builder.environment().put("GANTRY_HTTP_PORT", "eighty");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    assertEquals("config: http.port: expected an integer from 0 to 65535, got \"eighty\" (env GANTRY_HTTP_PORT)",
        output);
  }

  @Test
  void aGatewayOnlyNodeStartsNoBackendAndIsReadyWithTheClusterAlone() throws Exception {
    long t0 = System.nanoTime();
    Process process = gantry("--roles", "gateway", "--http-port", "0", "--cluster-port", "0",
        "--cluster-name", "jar-lean", "--data-dir", dir.resolve("data").toString()).start();
    try {
      Matcher ready = awaitLine(process, Pattern.compile("Gantry ready on http://127\\.0\\.0\\.1:(\\d+) \\(roles: gateway;"));
      System.out.printf("gantry.jar --roles gateway: ready %d ms after launch, RSS %s%n",
          (System.nanoTime() - t0) / 1_000_000, rss(process.pid()));
      HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + ready.group(1) + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      assertTrue(health.body().contains("\"cluster\"") && !health.body().contains("postgres"), health.body());
      assertTrue(Files.notExists(dir.resolve("data")), "no embedded backend was started");
      process.destroy();
      assertTrue(process.waitFor(15, TimeUnit.SECONDS));
      assertEquals(0, process.exitValue());
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRouteFileWithAnUnknownFieldStopsStartupAtOnceNamingTheField() throws Exception {
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, """
        upstreams:
          - {name: web, targets: [{url: 'http://127.0.0.1:9'}]}
        routes:
          - id: web
            match: {path: /web/**}
            upstrem: web
        """);
    Process process = gantry("--cluster-port", "0", "--http-port", "0", "--routes", routes.toString(),
        "--data-dir", dir.resolve("data").toString()).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue(), output);
    assertEquals("routes file " + routes + ": routes[0].upstrem: unknown field (did you mean upstream?)", output);
    assertTrue(Files.notExists(dir.resolve("data/postgres")), "nothing was started");
  }

  @Test
  void aPortInUseEndsStartupWithANonZeroExitAndOneLineNamingIt() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Process process = gantry("--cluster-port", "0", "--http-port", Integer.toString(taken.getLocalPort()),
          "--data-dir", dir.resolve("data").toString()).start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        reader.lines().forEach(lines::add);
      }
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits");
      assertEquals(1, process.exitValue(), String.join("\n", lines));
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("Gantry did not start: ") && l.contains("in use")),
          String.join("\n", lines));
    }
  }

  @Test
  void helpListsEveryOptionAndConfigKey() throws Exception {
    Process process = gantry("--help").start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue());
    for (String expected : List.of("--http-port", "--data-dir", "--config", "--roles", "--cluster-name",
        "--cluster-port", "--join", "GANTRY_PG_URL", "GANTRY_REDIS_URL", "GANTRY_KAFKA_BOOTSTRAP")) {
      assertTrue(output.contains(expected), expected + " missing from --help:\n" + output);
    }
  }

  private static String rss(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }
}
