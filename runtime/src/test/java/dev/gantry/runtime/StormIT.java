package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input at volume against the jar as a user runs it (embedded backends, so the
 * {@code /api/*} service routes are real; {@code -Xmx512m}; no analytics role, which the storm
 * does not reach and which would only add to the start): a malformed-request storm
 * ({@code bench/Storm.java}, the generator {@code bench/storm} drives harder) on service routes and
 * on proxy routes that stream, cache and compress, inspect bodies and buffer them; then a crowd of
 * idle connections and a burst of large bodies (the figures are printed). Nothing a client sent gets a 5xx, every 4xx is
 * problem+json, no event loop is reported blocked, nothing is logged at ERROR, the node serves
 * normally afterwards and its RSS stays under {@value #RSS_BOUND_MIB} MiB.
 */
class StormIT {
  /** The node's RSS bound with a 512 MiB heap: the heap, metaspace, threads, Netty's buffers, in-process Kafka. */
  static final long RSS_BOUND_MIB = 1_280;
  private static final Pattern SUMMARY = Pattern.compile("^STORM requests=(\\d+) .*", Pattern.MULTILINE);
  @TempDir Path dir;

  @Test
  void aStormOfMalformedRequestsIdleConnectionsAndLargeBodiesLeavesTheNodeServingWithinItsMemory() throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpServer upstream = vertx.createHttpServer(new HttpServerOptions().setMaxHeaderSize(1 << 20)
            .setMaxInitialLineLength(1 << 20))
        .requestHandler(req -> req.body().onComplete(b -> req.response().putHeader("Content-Type", "text/plain")
            .putHeader("Cache-Control", "public, max-age=60").end("ok " + "x".repeat(2_000))))
        .listen(0, "127.0.0.1").await();
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, """
        upstreams:
          - {name: web, targets: [{url: 'http://127.0.0.1:%d'}]}
        routes:
          - {id: proxied, match: {path: /proxied/**}, upstream: web}
          - {id: cached, match: {path: /cacheable/**}, upstream: web, policies: [{cache: {}}, {compress: {min-bytes: 1}}]}
          - {id: inspected, match: {path: /inspected/**}, upstream: web, policies: [{waf: {}}]}
          - {id: retried, match: {path: /retried/**}, upstream: web, max-body-bytes: 2097152, timeout-ms: 60000, retry: {attempts: 2}}
        """.formatted(upstream.actualPort()));
    try (JarNode node = JarNode.launch(dir, List.of("-Xmx512m", "-Dgantry.http.header-timeout-ms=2000",
            "-Dgantry.http.body-timeout-ms=2000"), "--http-port", "0", "--cluster-port", "0",
        "--cluster-name", "storm-it", "--roles", "gateway,services", "--data-dir", dir.resolve("data").toString(), "--routes", routes.toString())) {
      node.awaitReady(240);
      int port = node.httpPort();
      assertServes(port);
      long before = node.rssMiB();
      int from = node.lines().size();

      String storm = run("java", "../bench/Storm.java", "127.0.0.1:" + port, "2000", "16", "17", "/api/products",
          "/api/products/", "/api/orders", "/api/inventory/", "/proxied/", "/cacheable/", "/inspected/", "/retried/",
          "/graphql", "/");
      System.out.println("StormIT: " + storm.lines().findFirst().orElse("") + "\nStormIT: RSS before " + before
          + " MiB, after the storm " + node.rssMiB() + " MiB");
      Map<String, Long> figures = figures(storm);
      assertEquals(2000, figures.get("requests"), storm);
      assertEquals(0, figures.get("5xx"), storm);
      assertEquals(0, figures.get("timeouts"), storm);
      assertEquals(0, figures.get("not-problem"), storm);
      assertTrue(figures.get("4xx") > 1_000, "most of the storm is refused: " + storm);
      long afterStorm = node.rssMiB();

      String idle = run("java", "../bench/Crowd.java", "idle", "127.0.0.1:" + port, "1000", "20");
      assertTrue(idle.contains("opened=1000 failed=0 closed-by-server=1000"), "the header timeout closes them: " + idle);
      String bodies = run("java", "../bench/Crowd.java", "bodies", "127.0.0.1:" + port, "50", "1000000", "/retried/big");
      System.out.println("StormIT: " + bodies.strip());
      assertTrue(bodies.matches("(?s).*statuses=\\{(200=\\d+)?(, )?(503=\\d+)?}.*"), "served, or refused past the body budget: "
          + bodies);
      long after = node.rssMiB();

      assertServes(port);
      List<String> bad = node.lines().subList(from, node.lines().size()).stream()
          .filter(l -> l.contains("has been blocked for") || l.contains(" ERROR ")).limit(10).toList();
      assertEquals(List.of(), bad, "no blocked event loop, nothing logged at ERROR");
      System.out.printf("StormIT: %s%nStormIT: %s%nStormIT: RSS %d MiB before, %d after the storm, %d at the end%n",
          idle.strip(), bodies.strip(), before, afterStorm, after);
      assertTrue(Math.max(afterStorm, after) < RSS_BOUND_MIB, "RSS " + afterStorm + " / " + after + " MiB");
    } finally {
      upstream.close().await();
      vertx.close().await();
    }
  }

  private static void assertServes(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/api/products/1", "/proxied/after")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), path + ": " + r.body());
    }
  }

  /** The figures of the STORM line: requests, 2xx … 5xx, closed, timeouts, not-problem. */
  static Map<String, Long> figures(String output) {
    Matcher line = SUMMARY.matcher(output);
    assertTrue(line.find(), "no STORM line in:\n" + output);
    Map<String, Long> out = new java.util.TreeMap<>();
    Matcher pair = Pattern.compile("([a-z0-9-]+)=(\\d+)(?=\\s)").matcher(line.group());
    while (pair.find()) {
      out.put(pair.group(1), Long.parseLong(pair.group(2)));
    }
    return out;
  }

  /** Runs a JDK tool (a single-file program under bench/) and returns what it printed. */
  private static String run(String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(command));
    line.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "finished");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), text);
    return text;
  }
}
