package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The {@code rate-limit} policy on real gateways sharing the test kit's Redis. */
@ExtendWith(VertxExtension.class)
class RateLimitTest {
  private static String redisUrl;
  private final List<GatewayHarness> gateways = new ArrayList<>();
  private TestUpstream upstream;
  @TempDir
  Path dataDir;

  @BeforeAll
  static void redis() {
    redisUrl = TestBackends.shared().newRedisUrl();
  }

  @BeforeEach
  void emptyRedis(Vertx vertx) {
    Redis client = Redis.createClient(vertx, redisUrl);
    try {
      client.send(Request.cmd(Command.FLUSHDB)).await();
    } finally {
      client.close();
    }
  }

  @AfterEach
  void stop() {
    gateways.forEach(GatewayHarness::stop);
    if (upstream != null) {
      upstream.stop();
    }
  }

  private GatewayHarness gateway(Vertx vertx, String... routes) {
    if (upstream == null) {
      upstream = new TestUpstream(vertx, "up").start();
    }
    GatewayHarness gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream, routes), null, redisUrl, dataDir);
    gateways.add(gw);
    return gw;
  }

  private static HttpResponse<Buffer> get(GatewayHarness gw, String path, String... headers) {
    var request = gw.client.get(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.send().await();
  }

  @Test
  void aHundredPerMinuteAdmitsAHundredAcrossTwoGatewayNodes(Vertx vertx) {
    String route = "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: {limit: 100, window: 1m,"
        + " key: route}}]}";
    GatewayHarness a = gateway(vertx, route);
    GatewayHarness b = gateway(vertx, route);
    List<HttpResponse<Buffer>> all = new ArrayList<>();
    for (int start = 0; start < 160; start += 8) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        batch.add(((i & 1) == 0 ? a : b).client.get("/api/x").send()); // interleaved between the nodes
      }
      Future.all(batch).await();
      batch.forEach(f -> all.add(f.result()));
    }
    long admitted = all.stream().filter(r -> r.statusCode() == 200).count();
    long refused = all.stream().filter(r -> r.statusCode() == 429).count();
    assertEquals(160, admitted + refused, "every answer is 200 or 429");
    assertTrue(admitted >= 98 && admitted <= 102, "admitted " + admitted + " of 160 for a limit of 100");
    assertEquals(admitted, upstream.requests.get(), "only admitted requests reach the upstream");
  }

  @Test
  void headersCountDownThenA429ProblemSaysWhenToRetry(Vertx vertx) {
    GatewayHarness gw = gateway(vertx, "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: "
        + "{limit: 3, window: 1m}}]}");
    for (int remaining = 2; remaining >= 0; remaining--) {
      HttpResponse<Buffer> ok = gw.get("/api/x");
      assertEquals(200, ok.statusCode());
      assertEquals("\"default\";q=3;w=60", ok.getHeader("RateLimit-Policy"));
      assertTrue(ok.getHeader("RateLimit").matches("\"default\";r=" + remaining + ";t=\\d+"), ok.getHeader("RateLimit"));
    }
    HttpResponse<Buffer> refused = gw.get("/api/x");
    assertEquals(429, refused.statusCode());
    assertEquals("application/problem+json", refused.getHeader("Content-Type"));
    assertEquals(429, refused.bodyAsJsonObject().getInteger("status"));
    long retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 120, "Retry-After " + retryAfter);
    assertEquals("\"default\";q=3;w=60", refused.getHeader("RateLimit-Policy"));
    assertTrue(refused.getHeader("RateLimit").startsWith("\"default\";r=0;t="), refused.getHeader("RateLimit"));
    assertEquals(3, upstream.requests.get());
    assertTrue(gw.registry.scrape().contains("gantry_policy_refusals_total{policy=\"rate-limit\",reason=\"default\","
        + "route=\"api\",status=\"429\"} 1.0"), gw.registry.scrape());
  }

  @Test
  void aLargeLimitIsTakenFromRedisInBatchesWhileTheFieldsStillCountDownRequestByRequest(Vertx vertx) {
    while (System.currentTimeMillis() % 60_000 > 55_000) { // all requests within one minute's window
      vertx.timer(100).await();
    }
    GatewayHarness gw = gateway(vertx, "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: "
        + "{limit: 1000000, window: 1m}}]}");
    for (int i = 1; i <= 20; i++) {
      HttpResponse<Buffer> ok = gw.get("/api/x");
      assertEquals(200, ok.statusCode());
      assertTrue(ok.getHeader("RateLimit").matches("\"default\";r=" + (1_000_000 - i) + ";t=\\d+"),
          ok.getHeader("RateLimit"));
    }
    Redis client = Redis.createClient(vertx, redisUrl);
    try {
      var keys = client.send(Request.cmd(Command.KEYS).arg("gantry:*")).await();
      assertEquals(1, keys.size(), keys.toString());
      // Batches of a thousand (a hundredth of the limit, at most 1000); a batch whose lease ran out gave
      // its unused permits back with the next, so the count is the 20 used plus what the last batch has left.
      long counted = client.send(Request.cmd(Command.GET).arg(keys.get(0).toString())).await().toLong();
      assertTrue(counted >= 1_000 && counted < 1_020, "counted " + counted);
    } finally {
      client.close();
    }
  }

  @Test
  void severalLimitsAreCheckedTogetherAndEachIsReported(Vertx vertx) {
    GatewayHarness gw = gateway(vertx, "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: "
        + "{limits: [{limit: 2, window: 1m, name: minute}, {limit: 5, window: 1h, name: hour}]}}]}");
    HttpResponse<Buffer> first = gw.get("/api/x");
    assertEquals("\"minute\";q=2;w=60, \"hour\";q=5;w=3600", first.getHeader("RateLimit-Policy"));
    assertTrue(first.getHeader("RateLimit").matches("\"minute\";r=1;t=\\d+, \"hour\";r=4;t=\\d+"),
        first.getHeader("RateLimit"));
    assertEquals(200, gw.get("/api/x").statusCode());
    HttpResponse<Buffer> refused = gw.get("/api/x");
    assertEquals(429, refused.statusCode());
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains("limit minute"), refused.bodyAsString());
    assertTrue(refused.getHeader("RateLimit").matches("\"minute\";r=0;t=\\d+, \"hour\";r=3;t=\\d+"),
        "a refused request counts in no window: " + refused.getHeader("RateLimit"));
  }

  @Test
  void twoRoutesWithTheSameLimitNeverShareACounter(Vertx vertx) {
    String limit = "policies: [{rate-limit: {limit: 2, window: 1m, key: client-ip}}]}";
    GatewayHarness gw = gateway(vertx, "{id: a, match: {path: /a/**}, upstream: up, " + limit,
        "{id: b, match: {path: /b/**}, upstream: up, " + limit);
    assertEquals(200, gw.get("/a/1").statusCode());
    assertEquals(200, gw.get("/a/1").statusCode());
    assertEquals(429, gw.get("/a/1").statusCode());
    assertEquals(200, gw.get("/b/1").statusCode(), "route b has its own counter");
    assertEquals(200, gw.get("/b/1").statusCode());
    assertEquals(429, gw.get("/b/1").statusCode());
  }

  @Test
  void aHeaderKeyCountsEachValueAloneAndARequestWithoutItByItsAddress(Vertx vertx) {
    GatewayHarness gw = gateway(vertx, "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: "
        + "{limit: 2, window: 1m, key: 'header:X-Tenant'}}]}");
    assertEquals(200, get(gw, "/api/x", "X-Tenant", "acme").statusCode());
    assertEquals(200, get(gw, "/api/x", "X-Tenant", "acme").statusCode());
    assertEquals(429, get(gw, "/api/x", "X-Tenant", "acme").statusCode());
    String huge = "t".repeat(4000) + "{}\r:*";
    assertEquals(200, get(gw, "/api/x", "X-Tenant", huge.replace("\r", "")).statusCode(), "another value, any length");
    assertEquals(200, get(gw, "/api/x").statusCode(), "no header: counted by client address");
    assertEquals(200, get(gw, "/api/x").statusCode());
    assertEquals(429, get(gw, "/api/x").statusCode());
  }

  @Test
  void aClientIpKeyCountsEachAddressAlone(Vertx vertx) {
    GatewayHarness gw = gateway(vertx, "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: "
        + "{limit: 1, window: 1m, key: client-ip, store: local}}]}");
    WebClient first = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gw.gateway.actualPort()).setLocalAddress("127.0.0.1"));
    WebClient second = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gw.gateway.actualPort()).setLocalAddress("127.0.0.2"));
    try {
      assertEquals(200, first.get("/api/x").send().await().statusCode());
      assertEquals(429, first.get("/api/x").send().await().statusCode());
      assertEquals(200, second.get("/api/x").send().await().statusCode(), "127.0.0.2 is another client");
      assertEquals(429, second.get("/api/x").send().await().statusCode());
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void reapplyingTheSpecKeepsLocalCounters(Vertx vertx) {
    String route = "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: {limit: 3, window: 1m, "
        + "store: local}}]}";
    GatewayHarness gw = gateway(vertx, route);
    assertEquals(200, gw.get("/api/x").statusCode());
    assertEquals(200, gw.get("/api/x").statusCode());
    String changed = GatewayHarness.routesTo(upstream, route, "{id: other, match: {path: /other/**}, upstream: up}");
    HttpResponse<Buffer> put = gw.admin.put("/admin/spec").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .sendJsonObject(GatewaySpec.fromYaml(changed).toJson()).await();
    assertEquals(200, put.statusCode(), put.bodyAsString());
    dev.gantry.testkit.Poll.until(vertx, java.time.Duration.ofSeconds(10), "the new spec is served",
        () -> gw.get("/other/x").statusCode() == 200);
    HttpResponse<Buffer> third = gw.get("/api/x");
    assertEquals(200, third.statusCode());
    assertTrue(third.getHeader("RateLimit").startsWith("\"default\";r=0;"), third.getHeader("RateLimit"));
    assertEquals(429, gw.get("/api/x").statusCode(), "the policies are new, their counters are not");
  }

  @Test
  void anUpstreamFailureStillCarriesTheRateLimitFields(Vertx vertx) {
    GatewayHarness gw = gateway(vertx, "{id: api, match: {path: /api/**}, upstream: up, timeout-ms: 300, "
        + "policies: [{rate-limit: {limit: 5, window: 1m}}]}");
    upstream.delayMillis = 2_000;
    HttpResponse<Buffer> late = gw.get("/api/x");
    assertEquals(504, late.statusCode());
    assertEquals("\"default\";q=5;w=60", late.getHeader("RateLimit-Policy"));
    assertTrue(late.getHeader("RateLimit").startsWith("\"default\";r=4;"), late.getHeader("RateLimit"));
  }

  @Test
  void aWebSocketUpgradeOverTheLimitIsRefusedBeforeItReachesTheUpstream(Vertx vertx) {
    GatewayHarness gw = gateway(vertx, "{id: api, match: {path: /api/**}, upstream: up, policies: [{rate-limit: "
        + "{limit: 1, window: 1m, store: local}}]}");
    assertEquals(200, gw.get("/api/x").statusCode());
    dev.gantry.testkit.RawHttp.Response upgrade = dev.gantry.testkit.RawHttp.exchange(gw.gateway.actualPort(),
        "GET /api/ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    assertEquals(429, upgrade.status());
    assertTrue(upgrade.header("ratelimit").startsWith("\"default\";r=0;"), upgrade.headers().toString());
    assertEquals(1, upstream.requests.get(), "the upgrade never reached the upstream");
  }

  @Test
  void badSettingsAreRefusedNamingTheirPath() {
    assertEquals("routes[0].policies[0].rate-limit.window: must be a duration such as 250ms, 30s, 1m, 1h or 1d, "
        + "got 1 minute", refusal("{rate-limit: {limit: 10, window: 1 minute}}"));
    assertEquals("routes[0].policies[0].rate-limit.window: must be whole seconds from 1s to 7d, got 1500ms",
        refusal("{rate-limit: {limit: 10, window: 1500ms}}"));
    assertEquals("routes[0].policies[0].rate-limit.key: unknown key kind cookie (known: client-ip, principal, "
        + "consumer, api-key, route, header:<name>)", refusal("{rate-limit: {limit: 10, window: 1m, key: cookie}}"));
    assertEquals("routes[0].policies[0].rate-limit.limit: must be between 1 and 1000000000, got 0",
        refusal("{rate-limit: {limit: 0, window: 1m}}"));
    assertEquals("routes[0].policies[0].rate-limit.limits[1].limit: must be between 1 and 1000000000, got 0",
        refusal("{rate-limit: {limits: [{limit: 1, window: 1s}, {limit: 0, window: 1m}]}}"));
    assertEquals("routes[0].policies[0].rate-limit.store: must be redis or local, got memcached",
        refusal("{rate-limit: {limit: 1, window: 1m, store: memcached}}"));
    assertEquals("routes[0].policies[0].rate-limit.on-store-failure: only for store: redis",
        refusal("{rate-limit: {limit: 1, window: 1m, store: local, on-store-failure: deny}}"));
    assertTrue(refusal("{rate-limit: {limit: 1, window: 1m, burst: 5}}")
        .startsWith("routes[0].policies[0].rate-limit.burst: not supported"));
    assertEquals("routes[0].policies[0].quota.period: must be day or month, got week",
        refusal("{quota: {limit: 100, period: week}}"));
    assertEquals("routes[0].policies[0].quota.key: unknown key kind route (known: consumer, principal, api-key, "
        + "client-ip)", refusal("{quota: {limit: 100, period: day, key: route}}"));
    assertEquals("routes[0].policies[0].rate-limit.limit: is required", refusal("{rate-limit: {window: 1m}}"));
    assertNull(refusal("{rate-limit: {limit: 10, window: 1m, key: 'header:X-Tenant', store-timeout: 100ms}}"));
  }

  /** The detail of the refusal of a route with {@code policy}, or null when it is accepted. */
  private static String refusal(String policy) {
    String yaml = "upstreams: [{name: up, targets: [{url: 'http://127.0.0.1:1'}]}]\nroutes:\n"
        + "  - {id: api, match: {path: /api/**}, upstream: up, policies: [" + policy + "]}\n";
    try {
      GatewaySpec.fromYaml(yaml);
      return null;
    } catch (ServiceException e) {
      return e.detail();
    }
  }
}
