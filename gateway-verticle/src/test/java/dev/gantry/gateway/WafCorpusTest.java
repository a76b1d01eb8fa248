package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default WAF rules at paranoia 1 against the attack corpus (one file per class under
 * {@code src/test/resources/waf/attacks}) and the false-positive corpus: every attack is blocked
 * wherever it is put — a query argument, a JSON string, a form field — and every ordinary value
 * and body passes, on a real gateway in front of a real upstream.
 */
@ExtendWith(VertxExtension.class)
class WafCorpusTest {
  private TestUpstream upstream;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, "policies:\n  - waf: {paranoia: 1}\n"
        + GatewayHarness.routesTo(upstream, "{id: public, match: {path: /public/**}, upstream: up}"));
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  static List<String> lines(String resource) {
    try (InputStream in = WafCorpusTest.class.getClassLoader().getResourceAsStream("waf/" + resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<Buffer> inQuery(String value) {
    return gw.client.get("/public/search?q=" + URLEncoder.encode(value, StandardCharsets.UTF_8)).send().await();
  }

  private HttpResponse<Buffer> inJson(String value) {
    return gw.client.post("/public/comments").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("comment", value).put("n", 1).encode())).await();
  }

  private HttpResponse<Buffer> inForm(String value) {
    return gw.client.post("/public/comments").putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("comment=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "&n=1")).await();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqli", "xss", "traversal", "rce", "lfi", "rfi", "php", "java", "template"})
  void everyAttackOfTheClassIsBlockedWhereverItIsPut(String attackClass) {
    List<String> missed = new ArrayList<>();
    for (String payload : lines("attacks/" + attackClass + ".txt")) {
      check(missed, "query", payload, inQuery(payload), 403);
      check(missed, "json", payload, inJson(payload), 403);
      check(missed, "form", payload, inForm(payload), 403);
    }
    assertTrue(missed.isEmpty(), missed.size() + " not blocked:\n" + String.join("\n", missed));
  }

  @Test
  void scannerUserAgentsAreBlocked() {
    List<String> missed = new ArrayList<>();
    for (String agent : lines("attacks/scanners.txt")) {
      check(missed, "user-agent", agent, gw.client.get("/public/").putHeader("User-Agent", agent).send().await(), 403);
    }
    assertTrue(missed.isEmpty(), missed.size() + " not blocked:\n" + String.join("\n", missed));
  }

  @Test
  void ordinaryValuesPassAtParanoiaOne() {
    List<String> refused = new ArrayList<>();
    for (String value : lines("false-positives/args.txt")) {
      check(refused, "query", value, inQuery(value), 200);
      check(refused, "json", value, inJson(value), 200);
      check(refused, "form", value, inForm(value), 200);
    }
    assertTrue(refused.isEmpty(), refused.size() + " refused:\n" + String.join("\n", refused));
  }

  @Test
  void ordinaryJsonBodiesPassAtParanoiaOne() {
    String text = lines("false-positives/bodies.json").stream().collect(Collectors.joining("\n"));
    JsonArray bodies = new JsonArray(text);
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      String body = bodies.getJsonObject(i).encode();
      HttpResponse<Buffer> r = gw.client.post("/public/orders").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body)).await();
      check(refused, "body " + i, body.length() > 80 ? body.substring(0, 80) + "…" : body, r, 200);
    }
    assertTrue(refused.isEmpty(), refused.size() + " refused:\n" + String.join("\n", refused));
    assertEquals(bodies.size(), upstream.requests.get(), "each body reached the upstream");
  }

  private static void check(List<String> wrong, String where, String payload, HttpResponse<Buffer> r, int expected) {
    if (r.statusCode() != expected) {
      wrong.add(where + " " + r.statusCode() + ": " + payload + (r.statusCode() == 403 ? "  [" + detail(r) + "]" : ""));
    }
  }

  private static String detail(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject().getString("detail");
    } catch (RuntimeException e) {
      return r.bodyAsString();
    }
  }
}
