package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus (Debian's) scrapes a running node; we ask Prometheus, not the node. */
class PrometheusIT {
  @TempDir Path dir;

  @Test
  void prometheusScrapesRouteCountersAndLatencyHistograms() throws Exception {
    Path prometheus = Path.of("/usr/bin/prometheus");
    if (!Files.isExecutable(prometheus)) {
      // Never a skip: a build without the tool must not pass as if Prometheus had been checked.
      fail(prometheus + " is not installed: run .ci/test-tools as root (the build runs it before the integration"
          + " tests), or leave the integration tests out with -DskipITs");
    }
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("prom"));
    flags.put("admin.token", "prom-token");
    flags.put("admin.port", "0");
    Gantry node = TestNodes.start(flags);
    Vertx vertx = Vertx.vertx();
    Process process = null;
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      for (int i = 0; i < 7; i++) {
        assertEquals(200, client.get("/api/products/1").send().await().statusCode());
      }
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
          + "scrape_configs:\n  - job_name: gantry\n    metrics_path: /metrics\n"
          + "    authorization: {type: Bearer, credentials: prom-token}\n"
          + "    static_configs: [{targets: ['127.0.0.1:" + node.adminPort() + "']}]\n");
      // Port 0, read back from Prometheus's own "Listening on" line: no port picked here that
      // another process could take before Prometheus binds it.
      Path log = dir.resolve("prometheus.log");
      process = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:0")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Pattern listening = Pattern.compile("msg=\"Listening on\" address=127\\.0\\.0\\.1:(\\d+)");
      Poll.until(vertx, Duration.ofSeconds(60), "Prometheus listening", () -> listening.matcher(read(log)).find());
      Matcher bound = listening.matcher(read(log));
      assertTrue(bound.find());
      int port = Integer.parseInt(bound.group(1));
      WebClient prom = WebClient.create(vertx, new WebClientOptions().setDefaultPort(port));

      String count = "gantry_http_server_requests_seconds_count{route=\"api.products\",status=\"200\"}";
      Poll.until(vertx, Duration.ofSeconds(60), "Prometheus has scraped 7 requests", () -> {
        JsonArray result = query(prom, count);
        return result != null && !result.isEmpty()
            && result.getJsonObject(0).getJsonArray("value").getString(1).equals("7");
      });
      JsonArray p99 = query(prom, "histogram_quantile(0.99, sum by (le) "
          + "(gantry_http_server_requests_seconds_bucket{route=\"api.products\"}))");
      double seconds = Double.parseDouble(p99.getJsonObject(0).getJsonArray("value").getString(1));
      assertTrue(seconds > 0 && seconds <= 10, "p99 from the histogram: " + seconds);
      assertEquals("1", query(prom, "up{job=\"gantry\"}").getJsonObject(0).getJsonArray("value").getString(1));
      assertTrue(!query(prom, "jvm_memory_used_bytes").isEmpty(), "JVM metrics are scraped");
      assertTrue(!query(prom, "vertx_eventbus_processed_total").isEmpty(), "Vert.x's own metrics are scraped");
    } finally {
      if (process != null) {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      vertx.close().await();
      TestNodes.stop(node);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static JsonArray query(WebClient prom, String promql) {
    try {
      JsonObject body = prom.get("/api/v1/query").addQueryParam("query", promql).send().await().bodyAsJsonObject();
      return body == null || !"success".equals(body.getString("status")) ? null
          : body.getJsonObject("data").getJsonArray("result");
    } catch (Exception e) {
      return null; // Prometheus is not listening yet
    }
  }
}
