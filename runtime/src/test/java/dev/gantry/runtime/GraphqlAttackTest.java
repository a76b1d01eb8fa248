package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.SharedMaps;
import dev.gantry.gateway.graphql.PersistedQueries;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GraphQL and aggregate targets under a hostile client: malformed and oversized requests,
 * hidden introspection, persisted-query abuse, WebSocket floods and slow readers, and aggregate
 * placeholders that try to leave their path segment. Every refusal is a 4xx without internals.
 */
class GraphqlAttackTest {
  static final String JSON = "application/json";
  static final String GRAPHQL_RESPONSE = "application/graphql-response+json";
  private static Gantry node;
  private static Vertx vertx;
  private static WebClient client;
  private static WebClient admin;
  private static HttpServer echo;
  private static HttpServer trickle;
  private static final ConcurrentLinkedQueue<String> echoed = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger trickleOpen = new AtomicInteger();
  private static Path routes;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    echo = vertx.createHttpServer().requestHandler(req -> {
      echoed.add(req.uri());
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("uri", req.uri()).encode());
    }).listen(0, "127.0.0.1").await();
    trickle = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().startsWith("/huge")) {
        req.response().putHeader("Content-Type", "application/json").end("\"" + "x".repeat(1_200_000) + "\"");
        return;
      }
      trickleOpen.incrementAndGet(); // a body that never ends, a byte at a time
      req.response().setChunked(true).write("[");
      long timer = vertx.setPeriodic(50, id -> req.response().write(" "));
      req.connection().closeHandler(v -> {
        vertx.cancelTimer(timer);
        trickleOpen.decrementAndGet();
      });
    }).listen(0, "127.0.0.1").await();
    routes = Files.createTempFile("routes", ".yaml");
    Files.writeString(routes, """
        upstreams:
          - {name: echo, targets: [{url: 'http://127.0.0.1:%d'}]}
          - {name: trickle, targets: [{url: 'http://127.0.0.1:%d'}]}
        routes:
          - {id: attack.graphql, match: {path: /attack/**}, graphql: {max-subscriptions: 40}}
          - {id: dev.graphql, match: {path: /dev/**}, graphql: {introspection: true, graphiql: true}}
          - {id: big.graphql, match: {path: /big/**}, graphql: {max-query-bytes: 131072}}
          - id: echo-page
            match: {path: '/echo-page/{id}'}
            aggregate:
              parts:
                - {name: byPath, upstream: echo, path: '/items/{id}/meta?lang={query.lang}', required: true}
                - {name: byQuery, upstream: echo, path: '/files/{query.name}/meta', required: true}
          - id: trickle-page
            match: {path: '/trickle-page/{id}'}
            aggregate:
              parts:
                - {name: product, service: catalog, path: '/products/{id}'}
                - {name: endless, upstream: trickle, path: '/endless/{id}', timeout-ms: 300}
                - {name: huge, upstream: trickle, path: '/huge/{id}'}
        """.formatted(echo.actualPort(), trickle.actualPort()));
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("gqlattack"));
    flags.put("routes.file", routes.toString());
    flags.put("admin.token", "secret-token");
    flags.put("admin.port", "0");
    node = TestNodes.start(flags);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
    admin = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.adminPort()));
    long until = System.currentTimeMillis() + 30_000;
    while (post("/attack", "{ product(id: \"1\") { name stock } order(id: \"00000000-0000-0000-0000-000000000000\") { id } }", JSON).bodyAsJsonObject()
        .getJsonArray("errors") != null) {
      assertTrue(System.currentTimeMillis() < until, "the schema was not composed within 30 s");
      vertx.timer(100).await();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    vertx.close().await();
    Files.deleteIfExists(routes);
  }

  static HttpResponse<Buffer> post(String path, String query, String accept) {
    return postJson(path, new JsonObject().put("query", query), accept);
  }

  static HttpResponse<Buffer> postJson(String path, JsonObject body, String accept) {
    return client.post(path).putHeader("Content-Type", JSON).putHeader("Accept", accept).sendBuffer(body.toBuffer()).await();
  }

  /** A client's mistake: a 4xx, a JSON body, and nothing of the server's insides in it. */
  static JsonObject assertClientError(HttpResponse<Buffer> r, String what) {
    assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, what + ": " + r.statusCode() + " " + r.bodyAsString());
    String body = r.bodyAsString();
    for (String inside : List.of("Exception", "dev.gantry", "graphql.", "io.vertx", "java.", "\tat ")) {
      assertFalse(body.contains(inside), what + " shows " + inside + ": " + body);
    }
    return r.bodyAsJsonObject();
  }

  static String code(JsonObject body) {
    return body.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code");
  }

  static JsonObject persisted(String hash) {
    return new JsonObject().put("persistedQuery", new JsonObject().put("version", 1).put("sha256Hash", hash));
  }

  @Test
  void malformedHttpRequestsAreClientErrorsWithoutInternals() {
    String q = "{ product(id: \"1\") { name } }";
    Map<String, Supplier<HttpResponse<Buffer>>> attempts = new java.util.LinkedHashMap<>();
    attempts.put("query twice", () -> client.get("/attack").addQueryParam("query", q).addQueryParam("query", q).send().await());
    attempts.put("variables a list", () -> client.get("/attack").addQueryParam("query", q).addQueryParam("variables", "[1]")
        .send().await());
    attempts.put("variables not JSON", () -> client.get("/attack").addQueryParam("query", q).addQueryParam("variables", "{x")
        .send().await());
    attempts.put("unknown operationName", () -> postJson("/attack", new JsonObject().put("query", q)
        .put("operationName", "Nope\r\nX-Injected: 1"), GRAPHQL_RESPONSE));
    attempts.put("operationName a number", () -> postJson("/attack", new JsonObject().put("query", q)
        .put("operationName", 12), JSON));
    attempts.put("utf-16 body", () -> client.post("/attack").putHeader("Content-Type", "application/json;charset=utf-16")
        .sendBuffer(Buffer.buffer(new JsonObject().put("query", q).encode().getBytes(StandardCharsets.UTF_16))).await());
    attempts.put("no Content-Type", () -> client.post("/attack").sendBuffer(Buffer.buffer(new JsonObject().put("query", q)
        .encode())).await());
    attempts.put("body a list", () -> client.post("/attack").putHeader("Content-Type", JSON)
        .sendBuffer(Buffer.buffer("[{\"query\": \"{ __typename }\"}]")).await());
    attempts.put("extensions a string", () -> postJson("/attack", new JsonObject().put("query", q).put("extensions", "x"),
        JSON));
    attempts.put("variables nested 5000 deep", () -> client.post("/attack").putHeader("Content-Type", JSON)
        .sendBuffer(Buffer.buffer("{\"query\": \"{ __typename }\", \"variables\": {\"v\": " + "[".repeat(5000)
            + "]".repeat(5000) + "}}")).await());
    attempts.put("list literal nested 2000 deep", () -> post("/attack", "{ product(id: " + "[".repeat(2000) + "]".repeat(2000)
        + ") { name } }", GRAPHQL_RESPONSE));
    attempts.put("object literal nested 1000 deep", () -> post("/attack", "{ product(id: " + "{a:".repeat(1000) + "1"
        + "}".repeat(1000) + ") { name } }", GRAPHQL_RESPONSE));
    attempts.put("2000 operations", () -> post("/attack", "query Q1 { __typename } ".repeat(1).concat(
        java.util.stream.IntStream.range(2, 700).mapToObj(i -> "query Q" + i + "{__typename}").reduce("", String::concat)),
        GRAPHQL_RESPONSE));
    attempts.put("a directive 2000 times", () -> post("/attack", "{ __typename" + " @skip(if: false)".repeat(900) + " }",
        GRAPHQL_RESPONSE));
    attempts.put("a subscription over HTTP", () -> post("/attack", "subscription { orderStatus(id: \"1\") { status } }",
        GRAPHQL_RESPONSE));
    attempts.put("a mutation in GET by operationName", () -> client.get("/attack").addQueryParam("query",
            "query R { __typename } mutation W { placeOrder(input: {items: [{productId: \"1\", quantity: 1}]}) { id } }")
        .addQueryParam("operationName", "W").send().await());
    attempts.forEach((what, attempt) -> assertClientError(attempt.get(), what));
    HttpResponse<Buffer> injected = postJson("/attack", new JsonObject().put("query", q)
        .put("operationName", "Nope\r\nX-Injected: 1"), GRAPHQL_RESPONSE);
    assertFalse(injected.bodyAsString().contains("\r\n") || injected.bodyAsString().contains("\\r\\n"),
        "the client's control characters are not echoed: " + injected.bodyAsString());
  }

  @Test
  void aHugeOrderIsRefusedByTheBodyLimitOrTheServiceNeverRun() {
    String mutation = "mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { id } }";
    io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
    for (int i = 0; i < 20_000; i++) {
      items.add(new JsonObject().put("productId", "1").put("quantity", 1));
    }
    HttpResponse<Buffer> many = postJson("/attack", new JsonObject().put("query", mutation)
        .put("variables", new JsonObject().put("in", new JsonObject().put("items", items))), JSON);
    assertEquals(200, many.statusCode(), "within the body limit the request runs");
    JsonObject body = many.bodyAsJsonObject();
    assertEquals("BAD_USER_INPUT", code(body), body.encode().substring(0, Math.min(400, body.encode().length())));
    assertTrue(body.getJsonObject("data") == null || body.getJsonObject("data").getValue("placeOrder") == null);
    StringBuilder million = new StringBuilder("{\"query\": \"" + mutation.replace("\"", "\\\"")
        + "\", \"variables\": {\"in\": {\"items\": [");
    for (int i = 0; i < 1_000_000; i++) {
      million.append(i == 0 ? "" : ",").append("{\"productId\":\"1\",\"quantity\":1}");
    }
    million.append("]}}}");
    HttpResponse<Buffer> tooBig;
    try {
      tooBig = client.post("/attack").putHeader("Content-Type", JSON).sendStream(new io.vertx.core.streams.ReadStream<Buffer>() { // chunked: no Content-Length to refuse up front
          private final Buffer all = Buffer.buffer(million.toString());
          private io.vertx.core.Handler<Buffer> handler;
          private io.vertx.core.Handler<Void> end;
          private boolean started;

          public io.vertx.core.streams.ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
            return this;
          }

          public io.vertx.core.streams.ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> h) {
            handler = h;
            return this;
          }

          public io.vertx.core.streams.ReadStream<Buffer> pause() {
            return this;
          }

          public io.vertx.core.streams.ReadStream<Buffer> resume() {
            return fetch(Long.MAX_VALUE);
          }

          public io.vertx.core.streams.ReadStream<Buffer> fetch(long amount) {
            if (!started && handler != null) {
              started = true;
              vertx.runOnContext(v -> {
                for (int at = 0; at < all.length(); at += 64 * 1024) {
                  handler.handle(all.getBuffer(at, Math.min(all.length(), at + 64 * 1024)));
                }
                if (end != null) {
                  end.handle(null);
                }
              });
            }
            return this;
          }

          public io.vertx.core.streams.ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> h) {
            end = h;
            return this;
          }
        }).await();
    } catch (io.vertx.core.VertxException e) {
      return; // the gateway answered 413 and closed the connection before the client had written it all
    }
    assertEquals(413, tooBig.statusCode(), "a chunked body over the route's limit");
  }

  @Test
  void aPersistedHashOfTheWrongShapeIsABadRequestOverHttpAndOverTheWebSocket() throws Exception {
    String hash = PersistedQueries.hash("{ __typename }");
    for (String wrong : List.of(hash.toUpperCase(java.util.Locale.ROOT), hash.substring(1), "z".repeat(64))) {
      JsonObject body = assertClientError(postJson("/attack", new JsonObject().put("extensions", persisted(wrong)),
          GRAPHQL_RESPONSE), "hash " + wrong);
      assertTrue(body.encode().contains("sha256Hash"), body.encode());
    }
    GraphqlSocket ws = GraphqlSocket.acknowledged(vertx, node.httpPort(), "/attack");
    ws.send(new JsonObject().put("type", "subscribe").put("id", "h1").put("payload", new JsonObject()
        .put("extensions", persisted(hash.toUpperCase(java.util.Locale.ROOT)))));
    JsonObject answer = ws.next();
    assertEquals("error", answer.getString("type"), answer.encode());
    assertEquals("h1", answer.getString("id"));
    ws.send(new JsonObject().put("type", "subscribe").put("id", "h1").put("payload", new JsonObject()
        .put("query", "{ __typename }")));
    assertEquals("next", ws.next().getString("type"), "the refused id is free again");
    ws.socket.close().await();
  }

  @Test
  void introspectionStaysOffUnderAliasesFragmentsAndOverTheWebSocket() throws Exception {
    for (String query : List.of("{ s: __schema { types { name } } }",
        "fragment F on Query { __schema { queryType { name } } } { ...F }",
        "{ ... on Query { t: __type(name: \"Product\") { fields { name } } } }",
        "fragment A on Query { ...B } fragment B on Query { __type(name: \"Order\") { name } } { __typename ...A }")) {
      JsonObject body = assertClientError(post("/attack", query, GRAPHQL_RESPONSE), query);
      assertEquals("INTROSPECTION_DISABLED", code(body), query);
    }
    GraphqlSocket ws = GraphqlSocket.acknowledged(vertx, node.httpPort(), "/attack");
    ws.send(new JsonObject().put("type", "subscribe").put("id", "i1").put("payload", new JsonObject()
        .put("query", "{ x: __schema { types { name } } }")));
    JsonObject answer = ws.next();
    assertEquals("error", answer.getString("type"));
    assertTrue(answer.encode().contains("INTROSPECTION_DISABLED"), answer.encode());
    ws.socket.close().await();
  }

  @Test
  void validationHeavyQueriesAtTheSizeLimitAreRefusedQuickly() {
    int limit = 16 * 1024;
    Map<String, String> queries = new java.util.LinkedHashMap<>();
    queries.put("one field 3000 times", fill("{ product(id: \"1\") { ", "name ", " } }", limit));
    queries.put("one alias over different arguments", fill("{ ", "p: product(id: \"1\") { name } ", "}", limit));
    queries.put("same name, conflicting fields", fill("{ product(id: \"1\") { ", "id: name id: sku ", " } }", limit));
    StringBuilder fragments = new StringBuilder("{ product(id: \"1\") { ...F0 } }");
    for (int i = 0; fragments.length() < limit - 80; i++) {
      fragments.append(" fragment F").append(i).append(" on Product { name ...F").append(i + 1).append(" ...F")
          .append(i + 1).append(" }");
    }
    queries.put("a fragment chain spread twice a level", fragments.toString());
    queries.put("__typename spam", fill("{ ", "__typename ", "}", limit));
    queries.put("maximal tokens", fill("{ product(id: \"1\") { name } } ", "{", "", limit));
    StringBuilder report = new StringBuilder();
    queries.forEach((what, query) -> {
      assertTrue(query.length() <= limit, what + " is " + query.length());
      long started = System.nanoTime();
      HttpResponse<Buffer> r = post("/attack", query, GRAPHQL_RESPONSE);
      long millis = (System.nanoTime() - started) / 1_000_000;
      report.append(what).append(": ").append(r.statusCode()).append(" in ").append(millis).append(" ms\n");
      assertTrue(r.statusCode() < 500, what + ": " + r.statusCode() + " " + r.bodyAsString());
      assertTrue(millis < 5_000, what + " took " + millis + " ms");
    });
    System.out.println("validation-heavy queries of 16 KB:\n" + report);
  }

  @Test
  void aLongChainOfFragmentsIsRefusedBeforeItCanOverflowTheStack() {
    StringBuilder chain = new StringBuilder("{product(id:1){...a0}}");
    int i = 0;
    for (; chain.length() < 120_000; i++) {
      chain.append("fragment a").append(i).append(" on Product{...a").append(i + 1).append('}');
    }
    chain.append("fragment a").append(i).append(" on Product{name}");
    JsonObject body = assertClientError(post("/big", chain.toString(), GRAPHQL_RESPONSE), i + " fragments in a chain");
    assertEquals("MAX_FRAGMENT_NESTING_EXCEEDED", code(body), body.encode());
  }

  private static String fill(String head, String unit, String tail, int limit) {
    StringBuilder out = new StringBuilder(head);
    while (out.length() + unit.length() + tail.length() <= limit) {
      out.append(unit);
    }
    return out.append(tail).toString();
  }

  @Test
  void clientsCannotGrowTheAutomaticPersistedQueriesBeyondTheirBound() {
    int sent = 300;
    long minuteBefore = System.currentTimeMillis() / 60_000;
    for (int i = 0; i < sent; i++) {
      String query = "{ product(id: \"" + (i % 9 + 1) + "\") { n" + i + ": name } }";
      HttpResponse<Buffer> r = postJson("/attack", new JsonObject().put("query", query)
          .put("extensions", persisted(PersistedQueries.hash(query))), JSON);
      assertEquals(200, r.statusCode(), r.bodyAsString());
    }
    long minutes = System.currentTimeMillis() / 60_000 - minuteBefore + 1;
    int stored = node.vertx().sharedData().<String, String>getAsyncMap(SharedMaps.GRAPHQL_APQ)
        .compose(m -> m.size()).await();
    assertTrue(stored <= 120 * minutes, stored + " queries stored in " + minutes + " minute(s)");
  }

  @Test
  void hostileFramesCloseTheSocketWithAProtocolCode() throws Exception {
    GraphqlSocket binary = GraphqlSocket.acknowledged(vertx, node.httpPort(), "/attack");
    binary.socket.writeBinaryMessage(Buffer.buffer("{\"type\":\"ping\"}")).await();
    assertEquals(4400, binary.next().getInteger("code"));
    for (String id : List.of("", "a b", "é", "x".repeat(129), "\u0000")) {
      GraphqlSocket odd = GraphqlSocket.acknowledged(vertx, node.httpPort(), "/attack");
      odd.send(new JsonObject().put("type", "subscribe").put("id", id).put("payload", new JsonObject().put("query", "{ __typename }")));
      assertEquals(4400, odd.next().getInteger("code"), "id " + id);
    }
    GraphqlSocket big = new GraphqlSocket(vertx, node.httpPort(), "/attack", new WebSocketClientOptions().setMaxFrameSize(8 << 20).setMaxMessageSize(8 << 20));
    big.socket.writeTextMessage(new JsonObject().put("type", "connection_init").put("payload", new JsonObject()
        .put("x", "y".repeat(4 << 20))).encode()); // the server may reset before the client has written it all
    JsonObject first = big.next();
    assertEquals("closed", first.getString("type"), "an oversized frame ends the connection: " + first);
  }

  @Test
  void connectionInitPayloadCannotSpoofWhoTheClientIs() throws Exception {
    JsonObject payload = new JsonObject().put("Gantry-Principal", "admin").put("Host", "evil.example")
        .put("X-Forwarded-For", "10.0.0.1");
    for (int i = 0; i < 500; i++) {
      payload.put("h" + i, "v".repeat(100));
    }
    GraphqlSocket ws = new GraphqlSocket(vertx, node.httpPort(), "/attack", new WebSocketClientOptions());
    ws.send(new JsonObject().put("type", "connection_init").put("payload", payload));
    assertEquals("connection_ack", ws.next().getString("type"));
    // pings flood: every one answered, in order, and the socket stays usable
    for (int i = 0; i < 2_000; i++) {
      ws.socket.writeTextMessage("{\"type\":\"ping\"}");
    }
    for (int i = 0; i < 2_000; i++) {
      assertEquals("pong", ws.next().getString("type"));
    }
    ws.send(new JsonObject().put("type", "subscribe").put("id", "q").put("payload", new JsonObject()
        .put("query", "{ product(id: \"1\") { sku } }")));
    assertEquals("GT-001", ws.next().getJsonObject("payload").getJsonObject("data").getJsonObject("product").getString("sku"));
    ws.socket.close().await();
  }

  static int subscribers() {
    return admin.get("/admin/graphql").putHeader("Authorization", "Bearer secret-token").send().await()
        .bodyAsJsonObject().getInteger("subscribers");
  }

  static void awaitSubscribers(int wanted) {
    long until = System.currentTimeMillis() + 15_000;
    int now;
    while ((now = subscribers()) != wanted) {
      assertTrue(System.currentTimeMillis() < until, "subscribers " + now + ", expected " + wanted);
      vertx.timer(100).await();
    }
  }

  @Test
  void subscriptionsAcrossManyConnectionsGoAwayWithTheirSockets() throws Exception {
    awaitSubscribers(0);
    List<GraphqlSocket> sockets = new ArrayList<>();
    for (int c = 0; c < 25; c++) {
      GraphqlSocket ws = GraphqlSocket.acknowledged(vertx, node.httpPort(), "/attack");
      for (int s = 0; s < 40; s++) {
        ws.socket.writeTextMessage(new JsonObject().put("type", "subscribe").put("id", "s" + s).put("payload",
            new JsonObject().put("query", "subscription { orderStatus(id: \"leak\") { status } }")).encode());
      }
      ws.send(new JsonObject().put("type", "subscribe").put("id", "over").put("payload", new JsonObject()
          .put("query", "subscription { orderStatus(id: \"leak\") { status } }")));
      JsonObject refused = ws.next();
      assertEquals("error", refused.getString("type"));
      assertTrue(refused.encode().contains("MAX_SUBSCRIPTIONS_EXCEEDED"), refused.encode());
      sockets.add(ws);
    }
    awaitSubscribers(1000);
    for (int c = 0; c < sockets.size(); c++) {
      if (c % 2 == 0) {
        sockets.get(c).socket.close().await();
      } else {
        for (int s = 0; s < 40; s++) {
          sockets.get(c).socket.writeTextMessage(new JsonObject().put("type", "complete").put("id", "s" + s).encode());
        }
      }
    }
    awaitSubscribers(0);
    sockets.forEach(ws -> ws.socket.close());
  }

  @Test
  void aReaderThatFallsBehindIsEndedNotBufferedWithoutBound() throws Exception {
    awaitSubscribers(0);
    GraphqlSocket ws = GraphqlSocket.acknowledged(vertx, node.httpPort(), "/attack");
    ws.send(new JsonObject().put("type", "subscribe").put("id", "slow").put("payload", new JsonObject()
        .put("query", "subscription { orderStatus(id: \"slow\") { orderId status } }")));
    awaitSubscribers(1);
    JsonObject first = null;
    long until = System.currentTimeMillis() + 30_000;
    while (first == null && System.currentTimeMillis() < until) { // the feed's consumer registers after its first subscriber
      node.vertx().eventBus().publish(Addresses.ORDERS_STATUS, new JsonObject().put("orderId", "slow").put("status", "first"));
      first = ws.received.poll(200, TimeUnit.MILLISECONDS);
    }
    assertNotNull(first, "an event within 30 s");
    assertEquals("next", first.getString("type"), first.encode());
    while (ws.received.poll(300, TimeUnit.MILLISECONDS) != null) {
      // events published while waiting for the first
    }
    ws.socket.pause();
    String big = "s".repeat(32 * 1024);
    int published = 2_000;
    for (int i = 0; i < published; i++) {
      node.vertx().eventBus().publish(Addresses.ORDERS_STATUS, new JsonObject().put("orderId", "slow").put("status", big + i));
    }
    awaitSubscribers(0);
    ws.socket.resume();
    int nexts = 0;
    JsonObject m;
    while ((m = ws.next()) != null && m.getString("type").equals("next")) {
      nexts++;
    }
    assertEquals("error", m.getString("type"), m.encode());
    assertEquals("slow", m.getString("id"));
    assertTrue(m.encode().contains("256 events behind"), m.encode());
    assertTrue(nexts < published, nexts + " of " + published);
    ws.socket.close().await();
  }

  @Test
  void graphiqlServesOnlyItsOwnAssetsAndEscapesThePath() {
    for (String path : List.of("/dev/ui/static/js/../../index.html", "/dev/ui/static/js/%2e%2e/%2e%2e/index.html",
        "/dev/ui/static/js/..%2f..%2findex.html", "/dev/ui/static/js/main.js%00.css", "/dev/ui/%3Cscript%3Ealert(1)%3C/script%3E",
        "/dev/ui/static/css/x.css?<script>")) {
      HttpResponse<Buffer> r = client.get(path).send().await();
      assertTrue(r.statusCode() == 404 || r.statusCode() == 400 || r.statusCode() == 302, path + ": " + r.statusCode());
      assertFalse(r.bodyAsString().contains("<script>"), path + ": " + r.bodyAsString());
    }
  }

  @Test
  void aggregatePlaceholdersStayInsideTheirPathSegmentAndQueryValue() {
    for (String value : List.of("../admin", "%2F..%2F", "a?b=c", "a#b", "a\r\nX-Injected: 1", "a/../../b", "%2e%2e")) {
      echoed.clear();
      HttpResponse<Buffer> r = client.get("/echo-page/7").addQueryParam("name", value).addQueryParam("lang", value).send().await();
      assertEquals(200, r.statusCode(), value + ": " + r.bodyAsString());
      for (String uri : echoed) {
        URI parsed = URI.create(uri);
        String normal = parsed.normalize().getRawPath();
        assertTrue(normal.matches("/(items/7|files/[^/]+)/meta"), value + " reached " + uri);
        assertTrue(parsed.getRawFragment() == null, uri);
        assertFalse(uri.contains("\r") || uri.contains("\n"), uri);
      }
    }
    for (String dots : List.of("..", ".", "%2e%2e", "")) {
      echoed.clear();
      HttpResponse<Buffer> r = client.get("/echo-page/7?name=" + dots).send().await();
      assertEquals(400, r.statusCode(), "name=" + dots + ": " + r.bodyAsString() + " " + echoed);
      assertTrue(echoed.isEmpty(), "nothing was called: " + echoed);
    }
  }

  @Test
  void anEndlessOrHugeUpstreamAnswerIsCutAndItsConnectionReleased() {
    HttpResponse<Buffer> r = client.get("/trickle-page/1").send().await();
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject page = r.bodyAsJsonObject();
    assertEquals(504, page.getJsonObject("failed").getJsonObject("endless").getInteger("status"), page.encode());
    assertEquals(502, page.getJsonObject("failed").getJsonObject("huge").getInteger("status"), page.encode());
    assertTrue(page.getJsonObject("failed").getJsonObject("huge").getString("detail").contains("larger than"), page.encode());
    assertEquals("GT-001", page.getJsonObject("product").getString("sku"));
    long until = System.currentTimeMillis() + 10_000;
    while (trickleOpen.get() > 0) {
      assertTrue(System.currentTimeMillis() < until, "the endless upstream's connection is still open");
      vertx.timer(50).await();
    }
    HttpResponse<Buffer> head = client.head("/trickle-page/1").send().await();
    assertEquals(200, head.statusCode());
    assertTrue(head.body() == null || head.body().length() == 0);
  }
}
