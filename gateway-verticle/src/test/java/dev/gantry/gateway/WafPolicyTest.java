package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The {@code waf} policy's behaviour on a real gateway: what a block looks like, detect mode,
 * exclusions, paranoia, rules of a route file's own, bodies it reads and still forwards, what it
 * logs and counts, and the specs it refuses.
 */
@ExtendWith(VertxExtension.class)
class WafPolicyTest {
  private TestUpstream upstream;
  private GatewayHarness gw;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.stop();
      upstream.stop();
    }
  }

  private void start(Vertx vertx, String gatewayPolicies, String... routes) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, (gatewayPolicies == null ? "" : "policies:\n  - " + gatewayPolicies + "\n")
        + GatewayHarness.routesTo(upstream, routes.length > 0 ? routes
            : new String[] {"{id: public, match: {path: /public/**}, upstream: up}"}));
  }

  private HttpResponse<Buffer> json(String path, JsonObject body) {
    return gw.client.post(path).putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer()).await();
  }

  @Test
  void aBlockIs403ProblemNamingTheRuleTheFieldAndTheScore(Vertx vertx) {
    start(vertx, "waf: {}");
    HttpResponse<Buffer> r = gw.get("/public/search?q=1%27%20or%20%271%27%3D%271");
    assertEquals(403, r.statusCode());
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    String detail = r.bodyAsJsonObject().getString("detail");
    assertTrue(detail.contains("rule 942100") && detail.contains("args:q") && detail.contains("score 5"), detail);
    assertEquals(0, upstream.requests.get());
    assertEquals(200, gw.get("/public/search?q=shoes").statusCode());
  }

  @Test
  void aValueThatRunsARegularExpressionOutOfStackIsRefusedNeverAnErrorOrASilence(Vertx vertx) {
    start(vertx, null, "{id: public, match: {path: /public/**}, upstream: up, policies: [{waf: {}}]}");
    // a dotted name repeated thousands of times: Java's engine recurses once per repetition
    HttpResponse<Buffer> cookie = gw.client.get("/public/x").putHeader("Cookie", "a=" + "a.".repeat(3_500) + "a%0aid")
        .timeout(10_000).send().await();
    assertEquals(403, cookie.statusCode(), cookie.bodyAsString());
    assertEquals("application/problem+json", cookie.getHeader("Content-Type"));
    HttpResponse<Buffer> form = gw.client.post("/public/x").putHeader("Content-Type", "application/x-www-form-urlencoded")
        .timeout(10_000).sendBuffer(Buffer.buffer("a=" + "a.".repeat(50_000) + "a%0aid")).await();
    assertEquals(403, form.statusCode(), form.bodyAsString());
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void aBlockIsLoggedOnceWithTheFieldAndAnExcerptNeverTheWholeBody(Vertx vertx) {
    start(vertx, "waf: {}");
    Logger waf = (Logger) LoggerFactory.getLogger("dev.gantry.gateway.waf.Waf");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    waf.addAppender(lines);
    try {
      String secret = "s3cr3t-" + "x".repeat(500);
      HttpResponse<Buffer> r = json("/public/comments", new JsonObject().put("password", secret)
          .put("note", "hello").put("comment", "<script>alert(1)</script>" + "y".repeat(2000)));
      assertEquals(403, r.statusCode());
      assertEquals(1, lines.list.size(), "one line per block");
      String line = lines.list.get(0).getFormattedMessage();
      assertTrue(line.contains("941100") && line.contains("args:json.comment"), line);
      assertFalse(line.contains("s3cr3t") || line.contains("y".repeat(100)), "no whole value, no other field: " + line);
      assertTrue(lines.list.get(0).getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("request_id")
          && r.getHeader("X-Request-Id") != null && r.getHeader("X-Request-Id").equals(kv.value)),
          "the line carries the request id as a field: " + lines.list.get(0).getKeyValuePairs());
    } finally {
      waf.detachAppender(lines);
    }
  }

  @Test
  void detectModeLetsTheRequestThroughAndRecordsWhatItWouldHaveBlocked(Vertx vertx) {
    start(vertx, "waf: {mode: detect}");
    assertEquals(200, gw.get("/public/search?q=%3Cscript%3Ealert(1)%3C/script%3E").statusCode());
    assertEquals(1, upstream.requests.get());
    JsonArray blocks = gw.admin.get("/admin/stats").bearerTokenAuthentication(GatewayHarness.TOKEN).send().await()
        .bodyAsJsonObject().getJsonArray("recentBlocks");
    assertEquals(1, blocks.size());
    assertEquals(941100, blocks.getJsonObject(0).getInteger("rule"));
    assertFalse(blocks.getJsonObject(0).getBoolean("enforced"));
    assertEquals("public", blocks.getJsonObject(0).getString("route"));
  }

  @Test
  void blocksAreCountedPerRuleInMetricsAndListedForTheConsole(Vertx vertx) {
    start(vertx, "waf: {}");
    gw.get("/public/a?q=%3Cscript%3E");
    gw.get("/public/a?q=%3Cscript%3E");
    gw.get("/public/a?f=..%2F..%2Fetc%2Fpasswd");
    String metrics = gw.registry.scrape();
    assertTrue(metrics.contains("gantry_waf_rule_matches_total{action=\"blocked\",class=\"xss\",rule=\"941100\"} 2.0"),
        metrics.lines().filter(l -> l.startsWith("gantry_waf")).toList().toString());
    assertTrue(metrics.contains("rule=\"930110\""));
    JsonArray blocks = gw.admin.get("/admin/stats").bearerTokenAuthentication(GatewayHarness.TOKEN).send().await()
        .bodyAsJsonObject().getJsonArray("recentBlocks");
    assertEquals(3, blocks.size());
    assertEquals("args:f", blocks.getJsonObject(0).getString("variable"), "newest first");
  }

  @Test
  void exclusionsTurnARuleOffEverywhereOnOneFieldOrOnOneRoute(Vertx vertx) {
    start(vertx, "waf: {exclusions: [{rule: 941100, target: 'args:html'}, {rule: 942100, routes: [sql]},"
        + " {rule: '930100-930120'}]}",
        "{id: public, match: {path: /public/**}, upstream: up}",
        "{id: sql, match: {path: /sql/**}, upstream: up}");
    assertEquals(200, gw.get("/public/a?html=%3Cscript%3Ex%3C/script%3E").statusCode(), "spared on that field");
    assertEquals(403, gw.get("/public/a?other=%3Cscript%3Ex%3C/script%3E").statusCode(), "not on the others");
    assertEquals(200, gw.get("/sql/a?q=1%27%20or%20%271%27%3D%271").statusCode(), "spared on that route");
    assertEquals(403, gw.get("/public/a?q=1%27%20or%20%271%27%3D%271").statusCode(), "not on the others");
    assertEquals(200, gw.get("/public/a?f=..%2F..%2Fetc%2Fpasswd").statusCode(), "a range of ids, everywhere");
  }

  @Test
  void aRouteCanHaveItsOwnWafAndRulesOfItsOwn(Vertx vertx) {
    start(vertx, null,
        "{id: guarded, match: {path: /guarded/**}, upstream: up, policies: [{waf: {default-rules: false, rules: ["
            + "{id: 100001, message: debug header, targets: ['headers:x-debug'], transforms: [lowercase],"
            + " match: {equals: 'true'}}]}}]}",
        "{id: open, match: {path: /open/**}, upstream: up}");
    HttpResponse<Buffer> blocked = gw.client.get("/guarded/a").putHeader("X-Debug", "TRUE").send().await();
    assertEquals(403, blocked.statusCode());
    assertTrue(blocked.bodyAsJsonObject().getString("detail").contains("100001"));
    assertEquals(200, gw.get("/guarded/a?q=%3Cscript%3E").statusCode(), "default rules off");
    assertEquals(200, gw.client.get("/open/a").putHeader("X-Debug", "true").send().await().statusCode());
  }

  @Test
  void higherParanoiaRunsMoreRulesAndTheThresholdAddsScores(Vertx vertx) {
    start(vertx, "waf: {paranoia: 2}");
    // 941200 (an alert( call) runs from paranoia 2 only
    assertEquals(403, gw.get("/public/a?q=alert(document.domain)").statusCode());
    gw.stop();
    upstream.stop();
    start(vertx, "waf: {paranoia: 1}");
    assertEquals(200, gw.get("/public/a?q=alert(document.domain)").statusCode());
    // two notices/warnings add up: an empty User-Agent (2) alone passes at threshold 5…
    assertEquals(200, gw.client.get("/public/a").putHeader("User-Agent", "").send().await().statusCode());
    gw.stop();
    upstream.stop();
    start(vertx, "waf: {threshold: 2}");
    assertEquals(403, gw.client.get("/public/a").putHeader("User-Agent", "").send().await().statusCode(),
        "…and is blocked at threshold 2");
  }

  @Test
  void bodiesItReadsAreStillForwardedWholeAndBodiesOverItsLimitGet413(Vertx vertx) {
    start(vertx, "waf: {inspect-body-bytes: 4096}");
    String clean = new JsonObject().put("text", "z".repeat(3000)).encode();
    HttpResponse<Buffer> passed = gw.client.post("/public/a").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(clean)).await();
    assertEquals(200, passed.statusCode());
    assertEquals(clean.length(), passed.bodyAsJsonObject().getLong("bodyBytes"), "the upstream got it whole");
    HttpResponse<Buffer> large = gw.client.post("/public/a").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("text", "z".repeat(5000)).encode())).await();
    assertEquals(413, large.statusCode());
    assertTrue(large.bodyAsJsonObject().getString("detail").contains("inspect-body-bytes"));
    byte[] image = new byte[20_000];
    HttpResponse<Buffer> upload = gw.client.post("/public/upload").putHeader("Content-Type", "image/png")
        .sendBuffer(Buffer.buffer(image)).await();
    assertEquals(200, upload.statusCode(), "a binary body is not read by the WAF: it streams on");
    assertEquals(20_000, upload.bodyAsJsonObject().getLong("bodyBytes"));
  }

  @Test
  void aChunkedBodyIsReadInspectedAndForwardedWhole(Vertx vertx) {
    start(vertx, "waf: {}");
    String json = "{\"comment\": \"hello there\", \"n\": 1}";
    RawHttp.Response passed = RawHttp.exchange(gw.gateway.actualPort(), "POST /public/a HTTP/1.1\r\nHost: h\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "10\r\n" + json.substring(0, 16) + "\r\n" + Integer.toHexString(json.length() - 16) + "\r\n"
        + json.substring(16) + "\r\n0\r\n\r\n");
    assertEquals(200, passed.status(), passed.body());
    assertEquals(json.length(), new JsonObject(passed.body()).getLong("bodyBytes"));
    String attack = "{\"q\": \"' or 1=1--\"}";
    RawHttp.Response blocked = RawHttp.exchange(gw.gateway.actualPort(), "POST /public/a HTTP/1.1\r\nHost: h\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(attack.length()) + "\r\n" + attack + "\r\n0\r\n\r\n");
    assertEquals(403, blocked.status());
  }

  @Test
  void multipartFieldsAreInspectedAndFileContentsAreNot(Vertx vertx) {
    start(vertx, "waf: {}");
    String boundary = "----b0undary";
    String attackField = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\n"
        + "' UNION SELECT password FROM users--\r\n--" + boundary + "--\r\n";
    assertEquals(403, multipart(boundary, attackField).statusCode());
    String fileWithScriptText = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\""
        + "\r\nContent-Type: text/plain\r\n\r\n<script>alert(1)</script>\r\n--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"title\"\r\n\r\nMy notes\r\n--" + boundary + "--\r\n";
    assertEquals(200, multipart(boundary, fileWithScriptText).statusCode());
    String unfinished = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
    HttpResponse<Buffer> broken = multipart(boundary, unfinished);
    assertEquals(403, broken.statusCode(), "what the WAF cannot read is refused, not passed unread");
    assertTrue(broken.bodyAsJsonObject().getString("detail").contains("920120"));
  }

  private HttpResponse<Buffer> multipart(String boundary, String body) {
    return gw.client.post("/public/form").putHeader("Content-Type", "multipart/form-data; boundary=" + boundary)
        .sendBuffer(Buffer.buffer(body)).await();
  }

  @Test
  void aJsonBodyThatIsNotJsonIsRefused(Vertx vertx) {
    start(vertx, "waf: {}");
    HttpResponse<Buffer> r = gw.client.post("/public/a").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"a\": ")).await();
    assertEquals(403, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("detail").contains("920120"));
  }

  @Test
  void itRunsBeforeAWebSocketUpgradeAndOnServiceRoutes(Vertx vertx) {
    start(vertx, null, "{id: ws, match: {path: /ws/**}, upstream: up, policies: [{waf: {}}]}");
    RawHttp.Response refused = RawHttp.exchange(gw.gateway.actualPort(), "GET /ws/chat?room=%3Cscript%3E HTTP/1.1\r\n"
        + "Host: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    assertEquals(403, refused.status());
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void badWafSpecsAreRefusedNamingThePath() {
    List<String[]> cases = List.of(
        new String[] {"{waf: {mode: log}}", "policies[0].waf.mode: must be block or detect, not log"},
        new String[] {"{waf: {paranoia: 5}}", "policies[0].waf.paranoia: must be between 1 and 4, got 5"},
        new String[] {"{waf: {paranoya: 2}}", "policies[0].waf.paranoya: unknown field (did you mean paranoia?)"},
        new String[] {"{waf: {exclusions: [{rule: 94210}]}}", "policies[0].waf.exclusions[0].rule: no rule has id 94210"},
        new String[] {"{waf: {rules: [{id: 1, message: m, targets: [argz], match: {contains: x}}]}}",
            "policies[0].waf.rules[0].targets[0]: unknown target argz"},
        new String[] {"{waf: {rules: [{id: 1, message: m, targets: [args], match: {regex: '(('}}]}}",
            "policies[0].waf.rules[0].match.regex: not a valid regular expression"},
        new String[] {"{waf: {rules: [{id: 1, message: m, targets: [args], match: {containz: x}}]}}",
            "policies[0].waf.rules[0].match.containz: unknown field (did you mean contains?)"},
        new String[] {"{waf: {rules: [{id: 1, message: m, targets: [args], transforms: [urldecode], match: {contains: x}}]}}",
            "policies[0].waf.rules[0].transforms[0]: unknown transform urldecode"},
        new String[] {"{waf: {rules: [{id: 942100, message: m, targets: [args], match: {contains: x}}]}}",
            "policies[0].waf.rules[0].id: rule 942100 is already defined"});
    for (String[] c : cases) {
      ServiceException e = assertThrows(ServiceException.class,
          () -> GatewaySpec.fromYaml("policies:\n  - " + c[0] + "\n"), c[0]);
      assertTrue(e.detail().startsWith(c[1]), c[0] + " → " + e.detail());
    }
  }
}
