package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random hostile requests — targets stitched from encodings, dots, slashes and stray bytes;
 * bodies of every wrong type; odd headers — against the reference API and a proxy route of one
 * node on real backends. Whatever a client sends, the answer is never a 5xx, and every refusal
 * is problem+json. The seed is fixed (and printed) so a failure can be replayed.
 */
class HostileInputTest {
  private static final long SEED = Long.getLong("hostile.seed", 20261126L);
  private static final String[] PIECES = {"/", "//", ".", "..", "%2e", "%2E%2e", "%2f", "%2F", "%5c", "\\", "%00",
      "%0d%0a", "%", "%%", "%zz", "%c0%af", "%e0%80%ae", "%ff", "%c3%a9", ";", ";x=1", "?", "&", "=", "#", "+",
      "a", "1", "-1", "0", "99999999999999999999", "null", "%20", "~", "@", ":", "'", "\"", "<", ">", "{", "}", "|",
      "^", "`", "\u0001", "\u007f", "\u00e9", "\u00ff", "products", "orders", "inventory", "x".repeat(300),
      "%u002e", "%252e", "..;", "*", "$", "!", "(", ")", ","};
  private static final String[] BASES = {"/api/products", "/api/products/", "/api/inventory/", "/api/orders/",
      "/api/orders", "/proxied/", "/api/", "/", "/graphql", "/graphql/", "/graphql/ui/"};
  private static final String[] TYPES = {"application/json", "multipart/form-data; boundary=XyZ",
      "application/x-www-form-urlencoded", "text/plain", "application/json; charset=utf-16", "application/xml",
      "", "application/json;;;", "multipart/form-data", "\u00e9/\u00e9"};
  private static final String[] BODIES = {"{\"items\":[{\"productId\":1,\"quantity\":1}]}", "{", "[]", "null",
      "{\"items\":\"x\"}", "{\"items\":[{\"productId\":1e999,\"quantity\":1}]}", "--XyZ\r\nContent-Disposition: form-data; "
      + "name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n", "a=1&b=%%",
      "{\"items\":[{\"productId\":-5,\"quantity\":99999999999}]}", "\u00ff\u00fe\u0000{", "[".repeat(5000),
      "{\"items\":[{\"productId\":3,\"quantity\":1,\"extra\":{\"a\":[1,2,{}]}}]}", "",
      "{\"query\":\"{ product(id: \\\"1\\\") { name } }\"}", "{\"query\":\"{ products(first: 1e9) { edges { node { id } } } }\"}",
      "{\"query\":\"" + "{".repeat(3000) + "\"}", "{\"query\":\"mutation { placeOrder(input: {items: []}) { id } }\"}",
      "{\"query\":null,\"extensions\":{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"zz\"}}}"};

  @TempDir static Path dir;
  private static Gantry node;
  private static Vertx upstreamVertx;
  private static HttpServer upstream;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = upstreamVertx.createHttpServer().requestHandler(req -> req.body()
        .onComplete(b -> req.response().end("ok " + req.uri()))).listen(0, "127.0.0.1").await();
    Path routes = dir.resolve("hostile-routes.yaml");
    Files.writeString(routes, """
        upstreams:
          - {name: web, targets: [{url: 'http://127.0.0.1:%d'}]}
        routes:
          - {id: proxied, match: {path: /proxied/**}, upstream: web}
        """.formatted(upstream.actualPort()));
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("hostile"));
    flags.put("routes.file", routes.toString());
    node = TestNodes.start(flags);
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    upstream.close().await();
    upstreamVertx.close().await();
  }

  private static String target(Random random) {
    StringBuilder t = new StringBuilder(BASES[random.nextInt(BASES.length)]);
    int n = 1 + random.nextInt(6);
    for (int i = 0; i < n; i++) {
      t.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return t.toString().replace(" ", "%20").replace("\r", "").replace("\n", "");
  }

  @Test
  void randomTargetsBodiesAndHeadersNeverGetA5xx() {
    Random random = new Random(SEED);
    List<String> wrong = new ArrayList<>();
    int sent = 0;
    for (int i = 0; i < 1_500; i++) {
      String target = target(random);
      String request;
      int kind = random.nextInt(4);
      if (kind == 0) {
        String body = BODIES[random.nextInt(BODIES.length)];
        String type = TYPES[random.nextInt(TYPES.length)];
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        request = "POST " + (random.nextBoolean() ? "/api/orders" : target) + " HTTP/1.1\r\nHost: h\r\n"
            + (type.isEmpty() ? "" : "Content-Type: " + type + "\r\n") + "Content-Length: " + bytes.length + "\r\n\r\n" + body;
      } else if (kind == 1) {
        request = "GET " + target + " HTTP/1.1\r\nHost: h\r\nAccept: " + TYPES[random.nextInt(TYPES.length)]
            + "\r\nX-Request-Id: " + PIECES[random.nextInt(PIECES.length)].replace("\u0001", "") + "\r\n\r\n";
      } else if (kind == 2) {
        String method = List.of("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "BREW", "get").get(random.nextInt(8));
        request = method + " " + target + " HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";
      } else {
        request = "GET " + target + " HTTP/1." + random.nextInt(2) + "\r\nHost: h\r\nTraceparent: "
            + PIECES[random.nextInt(PIECES.length)] + "\r\nCookie: " + target(random).replace(";", "") + "\r\n\r\n";
      }
      RawHttp.Response response = RawHttp.exchange(node.httpPort(), request);
      sent++;
      if (response.status() >= 500 || (response.status() >= 400 && !response.isProblem()
          && !request.startsWith("HEAD"))) {
        wrong.add(response.status() + " for " + request.replace("\r\n", "\\r\\n").substring(0,
            Math.min(200, request.length() + 8)) + " → " + response.body());
      }
    }
    assertEquals(1_500, sent);
    assertEquals(List.of(), wrong, wrong.size() + " wrong answers (seed " + SEED + ")");
  }

  @Test
  void aMultipartBodyToTheOrdersApiIsRefusedAsTheWrongMediaType() {
    String body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ--\r\n";
    RawHttp.Response response = RawHttp.exchange(node.httpPort(), "POST /api/orders HTTP/1.1\r\nHost: h\r\n"
        + "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertEquals(415, response.status(), response.body());
    assertTrue(response.isProblem());
  }

  @Test
  void anInvalidPercentEncodingInTheQueryIsA400() {
    RawHttp.Response response = RawHttp.exchange(node.httpPort(), "GET /api/products?cursor=%%% HTTP/1.1\r\nHost: h\r\n\r\n");
    assertEquals(400, response.status(), response.body());
    assertTrue(response.body().contains("query: invalid percent-encoding"), response.body());
  }
}
