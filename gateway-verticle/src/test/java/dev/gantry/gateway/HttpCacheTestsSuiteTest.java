package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #14's conformance check: Mark Nottingham's http-cache-tests suite (npm
 * {@code http-cache-tests}, the one behind cache-tests.fyi), its origin server in Node and its
 * client run against a route with the {@code cache} policy. Every test of kind "required" passes
 * but the one named in {@link #KNOWN}; the counts are logged. Needs Node.js and npm (installed by
 * {@code .ci/test-tools}); the package is installed from the npm registry under {@code target/}.
 */
@ExtendWith(VertxExtension.class)
class HttpCacheTestsSuiteTest {
  private static final Logger LOG = LoggerFactory.getLogger(HttpCacheTestsSuiteTest.class);
  private static final String PACKAGE = "http-cache-tests@0.4.5";
  /**
   * The required test Gantry does not pass, for a stated reason: {@code age-parse-prefix} expects
   * {@code Age: 0,7200} to be fresh while the suite's own {@code Age: 0, 0} and {@code 7200,0} must
   * be stale — a list is one Age value too many, and Gantry takes every list as stale.
   */
  private static final Set<String> KNOWN = Set.of("age-parse-prefix");
  private Process origin;
  private GatewayHarness gw;
  private Path suite;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    suite = installed();
    try (InputStream script = getClass().getResourceAsStream("/http-cache-tests/run.mjs")) {
      Files.copy(script, suite.resolve("run.mjs"), StandardCopyOption.REPLACE_EXISTING);
    }
    ProcessBuilder server = new ProcessBuilder("node", "server/server.mjs").directory(suite.toFile())
        .redirectErrorStream(true);
    server.environment().put("npm_config_protocol", "http");
    server.environment().put("npm_config_port", "0"); // the server says which port it bound
    server.environment().put("npm_config_pidfile", suite.resolve("server.pid").toString());
    origin = server.start();
    int port = listeningPort(origin);
    gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: origin, targets: [{url: 'http://127.0.0.1:" + port
        + "'}]}\nroutes:\n  - {id: cache-tests, match: {path: /**}, upstream: origin, policies: [{cache: {}}]}\n");
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.stop();
    }
    if (origin != null) {
      origin.destroyForcibly();
    }
  }

  @Test
  void everyRequiredTestPassesButTheKnownOnes() throws Exception {
    JsonObject run = run(List.of());
    List<String> failed = ids(run.getJsonArray("failed"));
    failed.removeAll(KNOWN);
    if (!failed.isEmpty()) {
      // The suite waits out lifetimes of a second or two: on a loaded machine one can miss its
      // moment. Each failure is run again alone; what fails twice is a failure.
      JsonObject again = run(failed);
      LOG.info("http-cache-tests: {} failed, run again alone: {}", failed, again.encode());
      failed = ids(again.getJsonArray("failed"));
      failed.removeAll(KNOWN);
    }
    JsonObject counts = run.getJsonObject("counts");
    LOG.info("http-cache-tests {} against the cache policy: {}", PACKAGE, counts.encode());
    assertTrue(failed.isEmpty(), "required tests failed: " + failed + " (" + run.getJsonArray("failed").encode() + ")");
    assertTrue(counts.getInteger("pass", 0) >= 200, "the suite ran whole: " + counts.encode());
    assertEquals(0, counts.getInteger("harness_fail", 0), counts.encode());
  }

  private static List<String> ids(JsonArray failed) {
    List<String> ids = new ArrayList<>();
    failed.forEach(f -> ids.add(((JsonObject) f).getString("id")));
    return ids;
  }

  private JsonObject run(List<String> only) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "--no-warnings", "run.mjs",
        "http://127.0.0.1:" + gw.gateway.actualPort()));
    command.addAll(only);
    Process client = new ProcessBuilder(command).directory(suite.toFile()).redirectErrorStream(true).start();
    String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!client.waitFor(5, TimeUnit.MINUTES) || client.exitValue() != 0) {
      client.destroyForcibly();
      fail("the http-cache-tests client did not finish: " + out);
    }
    String last = out.strip().substring(out.strip().lastIndexOf('\n') + 1);
    return new JsonObject(last);
  }

  /** The suite's directory, installed from npm into {@code target/} when it is not there yet. */
  private static Path installed() throws IOException, InterruptedException {
    Path prefix = Path.of("target", "http-cache-tests").toAbsolutePath();
    Path pkg = prefix.resolve("node_modules").resolve("http-cache-tests");
    if (Files.exists(pkg.resolve("package.json"))) {
      return pkg;
    }
    Files.createDirectories(prefix);
    Process npm;
    try {
      npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), PACKAGE)
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("npm is not installed: run .ci/test-tools as root (or apt-get install nodejs npm)");
      throw e;
    }
    String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(pkg.resolve("package.json"))) {
      npm.destroyForcibly();
      fail("npm install " + PACKAGE + " failed: " + out);
    }
    return pkg;
  }

  /** Reads the origin's "Listening on http://[::]:PORT/" line. */
  private static int listeningPort(Process server) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    Pattern listening = Pattern.compile("Listening on .*:(\\d+)/");
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = lines.readLine()) != null) {
      Matcher m = listening.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> lines.lines().forEach(l -> { }), "http-cache-tests-origin-output");
        drain.setDaemon(true);
        drain.start(); // the origin logs every request: its pipe must not fill
        return Integer.parseInt(m.group(1));
      }
      seen.append(line).append('\n');
    }
    throw new IOException("the http-cache-tests origin did not start: " + seen);
  }
}
