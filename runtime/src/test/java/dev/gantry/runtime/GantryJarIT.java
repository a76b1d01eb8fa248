package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.Poll;
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
      "Gantry ready on http://127\\.0\\.0\\.1:(\\d+) \\(roles: analytics,gateway,services; node (\\S+); cluster (\\S+), (\\d+) members\\)");
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
  void onSigtermARequestInFlightCompletesTheEmbeddedBackendsStopAndEveryLineIsJson() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    HeldUpstream held = HeldUpstream.start(vertx, "finished after SIGTERM");
    java.util.concurrent.atomic.AtomicInteger arrived = held.arrived();
    io.vertx.core.Promise<Void> release = held.release();
    Path routes = held.routes(dir);
    ProcessBuilder builder = gantry("--http-port", "0", "--cluster-port", "0", "--cluster-name", "jar-term",
        "--data-dir", dir.resolve("data").toString(), "--routes", routes.toString());
    builder.environment().put("GANTRY_LOG_FORMAT", "json");
    Path output = dir.resolve("gantry.out");
    Process process = builder.redirectOutput(output.toFile()).start();
    java.util.function.Supplier<List<String>> lines = () -> {
      try {
        return Files.readAllLines(output);
      } catch (IOException e) {
        return List.of();
      }
    };
    try {
      Poll.until(vertx, Duration.ofMinutes(3), "the ready line",
          () -> lines.get().stream().anyMatch(l -> READY.matcher(l).find()) || !process.isAlive());
      Matcher ready = lines.get().stream().map(READY::matcher).filter(Matcher::find).findFirst()
          .orElseThrow(() -> new AssertionError("exited before it was ready"));
      int port = Integer.parseInt(ready.group(1));
      // The embedded backends' processes and ports, from their data directories and our children.
      List<String> pid = Files.readAllLines(dir.resolve("data/postgres/postmaster.pid"));
      ProcessHandle postgres = ProcessHandle.of(Long.parseLong(pid.get(0).trim())).orElseThrow();
      int postgresPort = Integer.parseInt(pid.get(3).trim());
      List<ProcessHandle> redis = process.descendants()
          .filter(p -> p.info().command().orElse("").contains("redis")).toList();
      assertTrue(!redis.isEmpty(), "a redis-server child process");
      java.util.Properties kafka = new java.util.Properties();
      try (var in = Files.newInputStream(dir.resolve("data/kafka/server.properties"))) {
        kafka.load(in);
      }
      Matcher kafkaListener = Pattern.compile("PLAINTEXT://127\\.0\\.0\\.1:(\\d+)").matcher(kafka.getProperty("listeners"));
      assertTrue(kafkaListener.find(), kafka.toString());
      int kafkaPort = Integer.parseInt(kafkaListener.group(1));
      assertTrue(accepts(postgresPort) && accepts(kafkaPort), "the backends listen while the node runs");

      java.util.concurrent.CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/x")).header("X-Request-Id", "in-flight-1").build(),
          HttpResponse.BodyHandlers.ofString());
      Poll.until(vertx, Duration.ofSeconds(60), "the request reached the upstream", () -> arrived.get() == 1);
      process.destroy(); // SIGTERM
      Poll.until(vertx, Duration.ofSeconds(60), "the node is stopping",
          () -> lines.get().stream().anyMatch(l -> l.contains("stopping Gantry node")));
      release.complete();
      HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
      assertEquals(200, answer.statusCode(), answer.body());
      assertEquals("finished after SIGTERM", answer.body());
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
      assertEquals(0, process.exitValue());

      Poll.until(vertx, Duration.ofSeconds(60), "the embedded Postgres and Redis processes ended",
          () -> !postgres.isAlive() && redis.stream().noneMatch(ProcessHandle::isAlive));
      assertTrue(!accepts(postgresPort) && !accepts(kafkaPort), "no backend port is left open");

      // log.format json: every line an object; the access line of the request served during shutdown.
      Poll.until(vertx, Duration.ofSeconds(60), "the access line of the request served while stopping",
          () -> lines.get().stream().anyMatch(l -> l.contains("gantry.access") && l.contains("in-flight-1")));
      List<io.vertx.core.json.JsonObject> json = new ArrayList<>();
      for (String line : lines.get()) {
        try {
          json.add(new io.vertx.core.json.JsonObject(line));
        } catch (RuntimeException e) {
          throw new AssertionError("not a JSON object: " + line, e);
        }
      }
      io.vertx.core.json.JsonObject access = json.stream().filter(j -> "gantry.access".equals(j.getString("logger"))
          && "slow".equals(j.getString("route"))).findFirst().orElseThrow(() -> new AssertionError(String.join("\n", lines.get())));
      assertEquals(200, access.getInteger("status"));
      assertEquals("in-flight-1", access.getString("request_id"));
      assertTrue(json.stream().anyMatch(j -> j.getString("message", "").startsWith("Gantry ready on")
          && j.getString("level").equals("INFO") && j.containsKey("timestamp")), "the ready line");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nalive: " + process.isAlive()
          + (process.isAlive() ? "" : ", exit " + process.exitValue()) + "\nthe node's output:\n" + String.join("\n", lines.get()), e);
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      release.tryComplete();
      vertx.close().await();
    }
  }

  private static boolean accepts(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
      return true;
    } catch (IOException e) {
      return false;
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
      assertExitsZeroOnSigterm(process);
    } finally {
      reap(process);
    }
  }

  @Test
  void tlsSelfSignedServesHttpsWithItsDevCertificateAndTheReadyLineSaysSo() throws Exception {
    Path data = dir.resolve("tls-data");
    Process process = gantry("--roles", "gateway", "--http-port", "0", "--cluster-port", "0",
        "--cluster-name", "jar-tls", "--data-dir", data.toString(), "--tls-self-signed").start();
    try {
      Matcher ready = awaitLine(process, Pattern.compile("Gantry ready on https://127\\.0\\.0\\.1:(\\d+) \\(roles: gateway;"));
      // the client trusts the dev certificate the node made under its data dir, and nothing else
      java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      trust.load(null, null);
      try (java.io.InputStream pem = Files.newInputStream(data.resolve("tls/dev-cert.pem"))) {
        trust.setCertificateEntry("dev", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem));
      }
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
          javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      HttpResponse<String> live = HttpClient.newBuilder().sslContext(context).build().send(HttpRequest.newBuilder(
          URI.create("https://localhost:" + ready.group(1) + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, live.statusCode(), live.body());
      assertEquals(HttpClient.Version.HTTP_2, live.version(), "ALPN chose h2");
      assertExitsZeroOnSigterm(process);
    } finally {
      reap(process);
    }
  }

  /**
   * OCSP stapling end to end: a CA, an OCSP responder ({@code openssl ocsp}, which says where it
   * listens), a leaf certificate naming that responder; the node staples the responder's answer
   * into its handshakes, as {@code openssl s_client -status} shows.
   */
  @Test
  void withOcspStaplingOnTheHandshakeCarriesTheRespondersGoodStatus() throws Exception {
    Path tls = Files.createDirectories(dir.resolve("ocsp"));
    openssl(tls, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
        "-out", "ca.pem", "-subj", "/CN=Gantry OCSP test CA", "-days", "2",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
    Files.writeString(tls.resolve("index.txt"), "V\t301001000000Z\t\t1234\tunknown\t/CN=localhost\n");
    Process responder = new ProcessBuilder("openssl", "ocsp", "-index", "index.txt", "-port", "0", "-rsigner", "ca.pem",
        "-rkey", "ca.key", "-CA", "ca.pem", "-nmin", "5").directory(tls.toFile()).redirectErrorStream(true).start();
    Process node = null;
    try {
      String port = awaitLine(responder, Pattern.compile("ACCEPT .*:(\\d+)")).group(1);
      Files.writeString(tls.resolve("leaf.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
          + "authorityInfoAccess=OCSP;URI:http://127.0.0.1:" + port + "\nkeyUsage=critical,digitalSignature\n"
          + "extendedKeyUsage=serverAuth\n");
      openssl(tls, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key",
          "-out", "leaf.csr", "-subj", "/CN=localhost");
      openssl(tls, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "0x1234",
          "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext");
      Files.writeString(tls.resolve("chain.pem"), Files.readString(tls.resolve("leaf.pem")) + Files.readString(tls.resolve("ca.pem")));
      ProcessBuilder builder = gantry("--roles", "gateway", "--http-port", "0", "--cluster-port", "0",
          "--cluster-name", "jar-ocsp", "--data-dir", dir.resolve("ocsp-data").toString());
      builder.environment().put("GANTRY_TLS_CERT", tls.resolve("chain.pem").toString());
      builder.environment().put("GANTRY_TLS_KEY", tls.resolve("leaf.key").toString());
      builder.environment().put("GANTRY_TLS_OCSP_STAPLING", "on");
      node = builder.start();
      String https = awaitLine(node, Pattern.compile("Gantry ready on https://127\\.0\\.0\\.1:(\\d+)")).group(1);
      Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername",
          "localhost", "-status", "-CAfile", tls.resolve("ca.pem").toString()).redirectErrorStream(true).start();
      client.getOutputStream().close();
      String handshake = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(client.waitFor(30, TimeUnit.SECONDS));
      assertTrue(handshake.contains("OCSP Response Status: successful"), handshake);
      assertTrue(handshake.contains("Cert Status: good"), handshake);
      assertTrue(handshake.contains("Verify return code: 0 (ok)"), handshake);
    } finally {
      responder.destroyForcibly();
      if (node != null) {
        reap(node);
      }
    }
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + String.join(" ", args) + ": " + out);
  }

  @Test
  void aTlsSettingThatCannotWorkStopsStartupNamingTheKey() throws Exception {
    ProcessBuilder builder = gantry("--cluster-port", "0", "--tls-self-signed");
    builder.environment().put("GANTRY_TLS_KEYSTORE", dir.resolve("missing.p12").toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.startsWith("config: tls.self-signed: on makes its own certificate"), output);
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

  /** SIGTERM, then the node must exit 0 within 15 s. */
  private static void assertExitsZeroOnSigterm(Process process) throws InterruptedException {
    process.destroy();
    assertTrue(process.waitFor(15, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue());
  }

  /** Whatever happened, no node outlives its test. */
  private static void reap(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
