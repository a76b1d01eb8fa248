package dev.gantry.gateway;

import static dev.gantry.gateway.GatewayHarness.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@code /metrics} on the admin listener says after real traffic. */
@ExtendWith(VertxExtension.class)
class MetricsTest {
  private TestUpstream up;
  private GatewayHarness gw;

  @AfterEach
  void stop() {
    gw.close();
    up.stop();
  }

  private String scrape() {
    HttpResponse<Buffer> r = gw.admin.get("/metrics").bearerTokenAuthentication(TOKEN).send().await();
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/plain"));
    return r.bodyAsString();
  }

  /**
   * Scrapes until {@code settled} holds (at most 5 s): a request's timing is recorded when the
   * server has finished its response, which can be just after the client has read it.
   */
  private String scrapeUntil(Vertx vertx, java.util.function.Predicate<String> settled) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    String text = scrape();
    while (!settled.test(text) && System.nanoTime() < deadline) {
      vertx.timer(20).await();
      text = scrape();
    }
    return text;
  }

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
    assertTrue(m.find(), series + " missing from:\n" + scrape);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void routesTargetsAndBreakersAreMeasuredWithBoundedLabels(Vertx vertx) {
    up = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: pool, targets: [{url: '" + up.url() + "'}]}\n"
        + "routes:\n  - {id: shop, match: {path: '/shop/{id}'}, upstream: pool, breaker: {max-failures: 50}}\n");
    for (int i = 0; i < 7; i++) {
      assertEquals(200, gw.get("/shop/" + i).statusCode());
    }
    up.status = 503;
    gw.get("/shop/x");
    gw.get("/nowhere");
    assertEquals(401, gw.admin.get("/metrics").send().await().statusCode(), "metrics need the admin token");

    String text = scrapeUntil(vertx, t -> t.contains("route=\"unmatched\",status=\"404\"} 1.0")
        && t.contains("_count{method=\"GET\",route=\"shop\",status=\"200\"} 7.0")
        && t.contains("gantry_http_server_errors_total{route=\"shop\"} 1.0"));
    assertEquals(7, value(text, "gantry_http_server_requests_seconds_count{method=\"GET\",route=\"shop\",status=\"200\"}"));
    assertEquals(1, value(text, "gantry_http_server_errors_total{route=\"shop\"}"));
    assertEquals(1, value(text, "gantry_http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}"));
    assertEquals(7, value(text, "gantry_http_server_requests_seconds_bucket{method=\"GET\",route=\"shop\",status=\"200\",le=\"+Inf\"}"));
    assertTrue(text.contains("gantry_http_server_requests_seconds_bucket{method=\"GET\",route=\"shop\",status=\"200\",le=\"0.1\"}"));
    assertEquals(1, value(text, "gantry_upstream_target_healthy{target=\"127.0.0.1:" + up.port() + "\",upstream=\"pool\"}"));
    assertEquals(0, value(text, "gantry_breaker_state{route=\"shop\",target=\"pool\"}"));
    assertTrue(!text.contains("/shop/3"), "raw paths never become labels");

    // Every gantry_* series the Grafana dashboard plots exists.
    Matcher names = Pattern.compile("\\bgantry_[a-z_]+").matcher(dashboard());
    int checked = 0;
    while (names.find()) {
      assertTrue(text.contains(names.group() + "{"), "the dashboard plots " + names.group() + ", which is not exported");
      checked++;
    }
    assertTrue(checked >= 6, "the dashboard was read");
  }

  @Test
  void madeUpMethodsShareOneSeriesInsteadOfOneEach(Vertx vertx) {
    up = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(up, "{id: shop, match: {path: '/shop/**'}, upstream: up}"));
    for (int i = 0; i < 40; i++) {
      int status = RawHttp.exchange(gw.gateway.actualPort(), "MADEUP" + i + " /shop/x HTTP/1.1\r\nHost: h\r\n"
          + "Content-Length: 0\r\n\r\n").status();
      assertTrue(status < 500, "a made-up method is the client's mistake or the upstream's business: " + status);
    }
    assertEquals(200, gw.get("/shop/x").statusCode());

    String text = scrapeUntil(vertx, t -> t.contains("_count{method=\"GET\",route=\"shop\""));
    Matcher methods = Pattern.compile("^gantry_http_server_requests_seconds_count\\{method=\"([^\"]*)\"", Pattern.MULTILINE)
        .matcher(text);
    java.util.Set<String> labels = new java.util.TreeSet<>();
    while (methods.find()) {
      labels.add(methods.group(1));
    }
    assertEquals(java.util.Set.of("GET", "_OTHER"), labels, "method labels in:\n" + text);
  }

  static String dashboard() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "grafana", "gantry.json"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
