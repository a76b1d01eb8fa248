package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The admin console in a real browser: headless Chromium (Debian's) driven by Playwright
 * (playwright-core from npm) logs in, sees both cluster members, and watches the requests/s chart
 * rise from idle while traffic runs, finds the WAF's blocks in their panel and the warehouse's
 * models in theirs. The screenshot is kept at target/console.png.
 */
class ConsoleIT {
  static final String PLAYWRIGHT = "playwright-core@1.65.1";

  @Test
  void theConsoleShowsMembersAndALiveChart() throws Exception {
    Path work = Path.of("target", "console-e2e").toAbsolutePath();
    requireTools(work);
    String cluster = TestNodes.uniqueCluster("console");
    Map<String, String> flags = TestNodes.onKitBackends(cluster);
    flags.put("admin.token", "console-token");
    flags.put("admin.port", "0");
    Path routes = Files.createDirectories(work).resolve("waf-routes.yaml");
    Files.writeString(routes, "policies:\n  - waf: {}\n");
    flags.put("routes.file", routes.toString());
    Gantry first = TestNodes.start(flags);
    Map<String, String> second = new HashMap<>(flags);
    second.put("roles", "services");
    second.put("cluster.join", "127.0.0.1:" + first.clusterPort());
    Gantry other = TestNodes.start(second);
    Vertx vertx = Vertx.vertx();
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(first.httpPort()));
      // One request so the route is on the chart; the browser script sends the traffic that must
      // make the plotted rate rise, so it knows when traffic starts.
      assertEquals(200, client.get("/api/products/1").send().await().statusCode());
      Path screenshot = Path.of("target", "console.png").toAbsolutePath();
      Files.deleteIfExists(screenshot);
      Process node = new ProcessBuilder("node", work.resolve("check-console.mjs").toString(),
          "http://127.0.0.1:" + first.adminPort() + "/console", "console-token", "2", screenshot.toString(),
          "http://127.0.0.1:" + first.httpPort())
          .directory(work.toFile()).redirectErrorStream(true).start();
      String output;
      try {
        output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(5, TimeUnit.MINUTES), "the browser check finished");
      } finally {
        node.destroyForcibly();
      }
      assertEquals(0, node.exitValue(), output);
      JsonObject result = new JsonObject(output.lines().reduce((a, b) -> b).orElse("{}"));
      assertEquals(2, result.getJsonArray("members").size(), output);
      assertTrue(result.getDouble("idleRate") < 1, "the chart showed the route idle first: " + output);
      assertTrue(result.getDouble("busyRate") >= 5, "the plotted rate rose while traffic ran: " + output);
      assertTrue(result.getJsonArray("routesInChart").contains("api.products"), output);
      JsonArray block = result.getJsonArray("blocks").getJsonArray(0);
      assertEquals(List.of("blocked", "941100", "xss", "args:q"), block.getList().subList(1, 5), output);
      assertEquals("api.products", block.getString(6), output);
      JsonArray warehouse = result.getJsonArray("warehouse");
      assertEquals(List.of("daily_revenue", "order_funnel", "orders", "top_products_daily"),
          warehouse.stream().map(r -> ((JsonArray) r).getString(0)).toList(), output);
      assertEquals("ok", warehouse.getJsonArray(1).getString(2), "the warehouse panel shows each model's last build: " + output);
      assertTrue(Files.size(screenshot) > 10_000, "a screenshot was saved");
    } finally {
      vertx.close().await();
      TestNodes.stop(other);
      TestNodes.stop(first);
    }
  }

  /**
   * Chromium and Node from the machine (.ci/test-tools installs them), Playwright from npm. A missing
   * tool fails the test, never skips it: a green build must mean the console was looked at.
   */
  private static void requireTools(Path work) throws IOException, InterruptedException {
    for (String tool : List.of("/usr/bin/chromium")) {
      if (!Files.isExecutable(Path.of(tool))) {
        fail(tool + " is not installed: run .ci/test-tools as root (the build runs it before the integration"
            + " tests), or leave the integration tests out with -DskipITs");
      }
    }
    Files.createDirectories(work);
    Files.copy(Path.of("src", "test", "console", "check-console.mjs"), work.resolve("check-console.mjs"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (!Files.exists(work.resolve("node_modules/playwright-core"))) {
      Process npm;
      try {
        npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", work.toString(),
            PLAYWRIGHT).redirectErrorStream(true).start();
      } catch (IOException e) {
        fail("npm is not installed: run .ci/test-tools as root, or leave the integration tests out with -DskipITs");
        return;
      }
      String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(npm.waitFor(5, TimeUnit.MINUTES) && npm.exitValue() == 0, "npm install " + PLAYWRIGHT + ":\n" + log);
    }
  }
}
