package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.codecs.Addresses;
import dev.gantry.gateway.graphql.PersistedQueries;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GraphQL through the gateway on real backends: the schema the reference services publish,
 * batching, limits, persisted queries, subscriptions over graphql-transport-ws with auth at
 * connection_init, and REST aggregation.
 */
class GraphqlEndToEndTest {
  static final String SECRET = "a-shared-secret-of-at-least-32-bytes!!";
  static final String JSON = "application/json";
  static final String GRAPHQL_RESPONSE = "application/graphql-response+json";
  private static Gantry node;
  private static Vertx vertx;
  private static WebClient client;
  private static WebClient admin;
  private static HttpServer slow;
  private static final AtomicInteger resolverSends = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    slow = vertx.createHttpServer().requestHandler(req -> vertx.setTimer(3_000, id -> req.response().end("{}")))
        .listen(0, "127.0.0.1").await();
    Path routes = Files.createTempFile("routes", ".yaml");
    Files.writeString(routes, """
        upstreams:
          - {name: slow, targets: [{url: 'http://127.0.0.1:%d'}]}
        routes:
          - id: limited.graphql
            match: {path: /limited/**}
            graphql: {max-depth: 3, max-cost: 800, max-aliases: 3, max-root-fields: 4, max-query-bytes: 1500}
          - {id: dev.graphql, match: {path: /dev-graphql/**}, graphql: {introspection: true, graphiql: true}}
          - {id: locked.graphql, match: {path: /locked/**}, graphql: {persisted: allow-list}}
          - {id: hurried.graphql, match: {path: /hurried/**}, graphql: {}, timeout-ms: 1}
          - id: secure.graphql
            match: {path: /secure-graphql/**}
            graphql: {}
            policies: [{jwt: {issuer: test-issuer, secret: '%s'}}]
          - id: product-page
            match: {path: '/product-page/{id}'}
            aggregate:
              parts:
                - {name: product, service: catalog, path: '/products/{id}', required: true}
                - {name: stock, service: inventory, path: '/stock/{id}', timeout-ms: 1000}
                - {name: reviews, upstream: slow, path: '/reviews?product={id}&lang={query.lang}', timeout-ms: 200}
          - id: broken-page
            match: {path: '/broken-page/{id}'}
            aggregate:
              parts:
                - {name: product, service: catalog, path: '/products/{id}'}
                - {name: missing, service: nosuch, path: '/x/{id}', required: true}
        """.formatted(slow.actualPort(), SECRET));
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("graphql"));
    flags.put("routes.file", routes.toString());
    flags.put("admin.token", "secret-token");
    flags.put("admin.port", "0");
    node = TestNodes.start(flags);
    node.vertx().eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().address().startsWith("gantry.graphql.") && !ctx.message().address().startsWith("gantry.graphql.parts")
          && !ctx.message().address().startsWith("gantry.graphql.persisted")) {
        resolverSends.incrementAndGet();
      }
      ctx.next();
    });
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
    admin = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.adminPort()));
    awaitSchema("/graphql");
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    vertx.close().await();
  }

  /** Waits until the services' parts are composed (the node published them as it started). */
  static void awaitSchema(String path) throws InterruptedException {
    long until = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < until) {
      JsonObject r = post(path, "{ product(id: \"1\") { name stock } order(id: \"00000000-0000-0000-0000-000000000000\") { id } }", JSON).bodyAsJsonObject();
      if (r.getJsonArray("errors") == null) {
        return;
      }
      Thread.onSpinWait();
      vertx.timer(100).await();
    }
    throw new AssertionError("the schema was not composed within 30 s");
  }

  static HttpResponse<Buffer> post(String path, String query, String accept) {
    return postJson(path, new JsonObject().put("query", query), accept);
  }

  static HttpResponse<Buffer> postJson(String path, JsonObject body, String accept) {
    return client.post(path).putHeader("Content-Type", "application/json").putHeader("Accept", accept)
        .sendBuffer(body.toBuffer()).await();
  }

  static JsonObject data(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertNull(body.getJsonArray("errors"), body.encode());
    return body.getJsonObject("data");
  }

  @Test
  void fiftyProductsWithTheirStockTakeTwoBusCalls() {
    Pool pg = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(node.backends().pgUrl())).using(vertx).build();
    try {
      pg.query("INSERT INTO products (sku, name, description, price_cents, currency) SELECT 'GQL-' || g, 'Extra ' || g, "
          + "'made for the test', 1000 + g, 'EUR' FROM generate_series(1, 40) g WHERE NOT EXISTS "
          + "(SELECT 1 FROM products WHERE sku = 'GQL-1')").execute().await();
    } finally {
      pg.close().await();
    }
    int before = resolverSends.get();
    JsonObject page = data(post("/graphql", "{ products(first: 50) { edges { cursor node { id name stock } } "
        + "pageInfo { hasNextPage endCursor } } }", GRAPHQL_RESPONSE)).getJsonObject("products");
    assertEquals(2, resolverSends.get() - before, "one call for the page, one batch for every product's stock");
    JsonArray edges = page.getJsonArray("edges");
    assertEquals(50, edges.size());
    assertTrue(page.getJsonObject("pageInfo").getBoolean("hasNextPage"));
    JsonObject fourth = edges.getJsonObject(3).getJsonObject("node");
    assertEquals("4", fourth.getString("id"));
    assertEquals(120, fourth.getInteger("stock"), "the seeded stock of product 4, from Redis");
    assertNull(edges.getJsonObject(40).getJsonObject("node").getValue("stock"), "an added product has no stock record");
  }

  @Test
  void pagesFollowTheirCursorsRelayStyle() {
    String after = null;
    int seen = 0;
    int pages = 0;
    boolean more = true;
    while (more && pages < 20) {
      JsonObject page = data(post("/graphql", "{ products(first: 5" + (after == null ? "" : ", after: \"" + after + "\"")
          + ") { edges { node { id } } pageInfo { hasNextPage endCursor } } }", JSON)).getJsonObject("products");
      seen += page.getJsonArray("edges").size();
      more = page.getJsonObject("pageInfo").getBoolean("hasNextPage");
      after = page.getJsonObject("pageInfo").getString("endCursor");
      pages++;
    }
    assertFalse(more);
    assertTrue(seen >= 12, "every product, page by page: " + seen);
  }

  @Test
  void anOrderPlacedByMutationReadsBackWithItsLinesProductsFromTheCatalogAndStockFromInventory() {
    JsonObject placed = data(postJson("/graphql", new JsonObject()
        .put("query", "mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status totalCents } }")
        .put("variables", new JsonObject().put("input", new JsonObject().put("items", new JsonArray()
            .add(new JsonObject().put("productId", "2").put("quantity", 1))
            .add(new JsonObject().put("productId", "5").put("quantity", 3))))), GRAPHQL_RESPONSE))
        .getJsonObject("placeOrder");
    assertEquals(15900 + 3 * 4500, placed.getInteger("totalCents"));
    JsonObject order = data(post("/graphql", "{ order(id: \"" + placed.getString("id") + "\") { id lines { quantity "
        + "product { name stock } } } }", JSON)).getJsonObject("order");
    JsonArray lines = order.getJsonArray("lines");
    assertEquals(2, lines.size());
    assertNotNull(lines.getJsonObject(0).getJsonObject("product").getString("name"));
    assertNotNull(lines.getJsonObject(1).getJsonObject("product").getInteger("stock"));
  }

  @Test
  void aMutationRetriedWithItsIdempotencyKeyPlacesOneOrder() {
    String key = "gql-" + java.util.UUID.randomUUID();
    String place = "mutation($k: String) { placeOrder(input: {items: [{productId: \"6\", quantity: 2}]}, idempotencyKey: $k) { id } }";
    JsonObject body = new JsonObject().put("query", place).put("variables", new JsonObject().put("k", key));
    String first = data(postJson("/graphql", body, JSON)).getJsonObject("placeOrder").getString("id");
    String again = data(postJson("/graphql", body, JSON)).getJsonObject("placeOrder").getString("id");
    assertEquals(first, again, "the retry answers the first order");
    JsonObject other = postJson("/graphql", new JsonObject().put("query", place.replace("quantity: 2", "quantity: 3"))
        .put("variables", new JsonObject().put("k", key)), JSON).bodyAsJsonObject();
    assertEquals("BAD_USER_INPUT", other.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"),
        other.encode());
    JsonObject badKey = postJson("/graphql", body.copy().put("variables", new JsonObject().put("k", "no spaces allowed")), JSON)
        .bodyAsJsonObject();
    assertTrue(badKey.getJsonArray("errors").getJsonObject(0).getString("message").startsWith("idempotencyKey:"), badKey.encode());
  }

  @Test
  void resolversHaveTheRoutesDeadline() {
    // one millisecond for the whole request: the resolver's call cannot make it
    JsonObject body = post("/hurried", "{ products(first: 50) { edges { node { name stock } } } }", JSON).bodyAsJsonObject();
    assertNull(body.getValue("data"), body.encode());
    assertEquals("TIMEOUT", body.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"),
        body.encode());
  }

  @Test
  void aFailingFieldIsAnErrorBesideTheDataThatResolved() {
    HttpResponse<Buffer> r = post("/graphql", "{ product(id: \"1\") { name } other: product(id: \"abc\") { name } }",
        GRAPHQL_RESPONSE);
    assertEquals(200, r.statusCode());
    JsonObject body = r.bodyAsJsonObject();
    assertNotNull(body.getJsonObject("data").getJsonObject("product").getString("name"));
    assertNull(body.getJsonObject("data").getValue("other"));
    JsonObject error = body.getJsonArray("errors").getJsonObject(0);
    assertEquals(new JsonArray().add("other"), error.getJsonArray("path"));
    assertEquals("BAD_USER_INPUT", error.getJsonObject("extensions").getString("code"));
    assertTrue(error.getString("message").startsWith("id: must be a positive integer"), error.getString("message"));
  }

  static void assertRefused(HttpResponse<Buffer> r, int status, String code, String messagePart) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertNull(body.getValue("data"), "nothing ran");
    JsonObject error = body.getJsonArray("errors").getJsonObject(0);
    if (code != null) {
      assertEquals(code, error.getJsonObject("extensions").getString("code"), error.encode());
    }
    assertTrue(error.getString("message").contains(messagePart), error.getString("message"));
  }

  @Test
  void everyLimitRefusesNamingTheLimitAndTheValue() {
    String id = "(id: \"1\")";
    assertRefused(post("/limited", "{ product" + id + " { id } a: product" + id + " { id } b: product" + id + " { id } "
        + "c: product" + id + " { id } order(id: \"x\") { id } }", GRAPHQL_RESPONSE), 400, "MAX_ROOT_FIELDS_EXCEEDED",
        "query root fields 5 exceeds the limit 4 (max-root-fields)");
    assertRefused(post("/limited", "{ product" + id + " { a: name b: name c: name d: name } }", GRAPHQL_RESPONSE),
        400, "MAX_ALIASES_EXCEEDED", "query aliases 4 exceeds the limit 3 (max-aliases)");
    assertRefused(post("/limited", "{ order(id: \"x\") { lines { product { name } } } }", GRAPHQL_RESPONSE), 400,
        "MAX_DEPTH_EXCEEDED", "query depth 4 exceeds the limit 3 (max-depth)");
    assertRefused(post("/limited", "fragment L on OrderLine { product { name } } { order(id: \"x\") { lines { ...L } } }",
        GRAPHQL_RESPONSE), 400, "MAX_DEPTH_EXCEEDED", "query depth 4 exceeds the limit 3");
    String page = "products(first: 100) { pageInfo { hasNextPage endCursor } }";
    assertRefused(post("/limited", "{ a: " + page + " b: " + page + " c: " + page + " }", GRAPHQL_RESPONSE), 400,
        "MAX_COST_EXCEEDED", "query cost 903 exceeds the limit 800 (max-cost)");
    assertRefused(post("/limited", "{ __schema { types { name } } }", GRAPHQL_RESPONSE), 400, "INTROSPECTION_DISABLED",
        "introspection is disabled");
    assertRefused(post("/limited", "{ product" + id + " { name } }" + " ".repeat(1500), GRAPHQL_RESPONSE), 400,
        "QUERY_TOO_LARGE", "exceeds the limit 1500 (max-query-bytes)");
    assertRefused(post("/limited", "query A { product" + id + " { name } } query B { product" + id + " { sku } }",
        GRAPHQL_RESPONSE), 400, "BAD_REQUEST", "operationName: is required");
    assertRefused(post("/limited", "{ product" + id + " { nope } }", GRAPHQL_RESPONSE), 400, null, "nope");
    assertRefused(post("/limited", "{ product(id: ", GRAPHQL_RESPONSE), 400, null, "");
    // the same refusals answer 200 to a client that asked for application/json, as the spec says
    assertRefused(post("/limited", "{ __schema { types { name } } }", JSON), 200, "INTROSPECTION_DISABLED", "introspection");
  }

  @Test
  void aQueryWithinTheLimitsRuns() {
    HttpResponse<Buffer> ok = post("/limited", "fragment N on Product { name } { product(id: \"1\") { ...N } }", GRAPHQL_RESPONSE);
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertNotNull(ok.bodyAsJsonObject().getJsonObject("data").getJsonObject("product").getString("name"));
  }

  @Test
  void queriesRunOverGetAndMutationsDoNot() {
    HttpResponse<Buffer> r = client.get("/graphql").addQueryParam("query", "{ product(id: \"3\") { sku } }")
        .putHeader("Accept", JSON).send().await();
    assertEquals("GT-003", data(r).getJsonObject("product").getString("sku"));
    HttpResponse<Buffer> mutation = client.get("/graphql").addQueryParam("query",
        "mutation { placeOrder(input: {items: [{productId: \"1\", quantity: 1}]}) { id } }").send().await();
    assertEquals(405, mutation.statusCode(), mutation.bodyAsString());
    assertEquals("POST", mutation.getHeader("Allow"));
    HttpResponse<Buffer> put = client.put("/graphql").sendBuffer(Buffer.buffer("{}")).await();
    assertEquals(405, put.statusCode());
    assertEquals("application/problem+json", put.getHeader("Content-Type"));
    HttpResponse<Buffer> text = client.post("/graphql").putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("{ product(id: 1) { name } }")).await();
    assertEquals(415, text.statusCode());
    HttpResponse<Buffer> notJson = client.post("/graphql").putHeader("Content-Type", JSON).sendBuffer(Buffer.buffer("{oops")).await();
    assertEquals(400, notJson.statusCode(), "a malformed request is 400 whatever the Accept");
    assertEquals("application/problem+json", notJson.getHeader("Content-Type"));
    assertEquals("application/problem+json", mutation.getHeader("Content-Type"));
  }

  @Test
  void automaticPersistedQueriesRoundTrip() {
    String query = "{ product(id: \"6\") { sku } }";
    String hash = PersistedQueries.hash(query);
    JsonObject ext = new JsonObject().put("persistedQuery", new JsonObject().put("version", 1).put("sha256Hash", hash));
    assertRefused(postJson("/graphql", new JsonObject().put("extensions", ext), GRAPHQL_RESPONSE), 400,
        "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound");
    assertEquals("GT-006", data(postJson("/graphql", new JsonObject().put("query", query).put("extensions", ext), JSON))
        .getJsonObject("product").getString("sku"));
    assertEquals("GT-006", data(postJson("/graphql", new JsonObject().put("extensions", ext), JSON))
        .getJsonObject("product").getString("sku"), "the hash alone is enough now");
    HttpResponse<Buffer> viaGet = client.get("/graphql").addQueryParam("extensions", ext.encode()).send().await();
    assertEquals("GT-006", data(viaGet).getJsonObject("product").getString("sku"));
    JsonObject wrong = new JsonObject().put("persistedQuery", new JsonObject().put("version", 1)
        .put("sha256Hash", PersistedQueries.hash("something else")));
    assertRefused(postJson("/graphql", new JsonObject().put("query", query).put("extensions", wrong), GRAPHQL_RESPONSE),
        400, "PERSISTED_QUERY_HASH_MISMATCH", "sha256Hash");
  }

  @Test
  void anAllowListRouteRunsOnlyPersistedQueries() {
    String query = "{ product(id: \"7\") { sku } }";
    assertRefused(post("/locked", query, GRAPHQL_RESPONSE), 400, "QUERY_NOT_ALLOWED", "only queries persisted");
    HttpResponse<Buffer> added = admin.post("/admin/graphql/persisted").putHeader("Authorization", "Bearer secret-token")
        .sendJsonObject(new JsonObject().put("query", query)).await();
    assertEquals(201, added.statusCode(), added.bodyAsString());
    String hash = added.bodyAsJsonObject().getString("sha256Hash");
    assertEquals(PersistedQueries.hash(query), hash);
    assertEquals("GT-007", data(post("/locked", query, JSON)).getJsonObject("product").getString("sku"));
    JsonObject ext = new JsonObject().put("persistedQuery", new JsonObject().put("version", 1).put("sha256Hash", hash));
    assertEquals("GT-007", data(postJson("/locked", new JsonObject().put("extensions", ext), JSON))
        .getJsonObject("product").getString("sku"));
    // a client cannot add to the allow-list by sending a query with its hash
    String other = "{ product(id: \"8\") { sku } }";
    JsonObject otherExt = new JsonObject().put("persistedQuery", new JsonObject().put("version", 1)
        .put("sha256Hash", PersistedQueries.hash(other)));
    assertRefused(postJson("/locked", new JsonObject().put("query", other).put("extensions", otherExt), GRAPHQL_RESPONSE),
        400, "QUERY_NOT_ALLOWED", "only queries persisted");
    assertEquals(204, admin.delete("/admin/graphql/persisted/" + hash).putHeader("Authorization", "Bearer secret-token")
        .send().await().statusCode());
  }

  @Test
  void graphiqlIsServedOnlyWhereTheRouteEnablesIt() {
    HttpResponse<Buffer> page = client.get("/dev-graphql/ui/").send().await();
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("\"graphQLUri\":\"/dev-graphql\""), page.bodyAsString());
    assertNotNull(page.getHeader("Content-Security-Policy"));
    String script = page.bodyAsString().replaceAll("(?s).*src=\"\\./(static/js/main[^\"]+)\".*", "$1");
    HttpResponse<Buffer> js = client.get("/dev-graphql/ui/" + script).send().await();
    assertEquals(200, js.statusCode());
    assertEquals(404, client.get("/dev-graphql/ui/../../etc/passwd").send().await().statusCode() == 404 ? 404 : 0);
    assertEquals(404, client.get("/graphql/ui/").send().await().statusCode());
    JsonObject full = data(post("/dev-graphql", graphql.introspection.IntrospectionQuery.INTROSPECTION_QUERY, JSON));
    assertTrue(full.getJsonObject("__schema").getJsonArray("types").size() > 10, "GraphiQL's own introspection query runs");
    JsonObject types = data(post("/dev-graphql", "{ __schema { queryType { name } } }", JSON));
    assertEquals("Query", types.getJsonObject("__schema").getJsonObject("queryType").getString("name"));
  }

  @Test
  void aSubscriberGetsTheOrdersStatusChangesFromTheEventBus() throws Exception {
    String orderId = data(post("/graphql", "mutation { placeOrder(input: {items: [{productId: \"3\", quantity: 1}]}) { id } }",
        JSON)).getJsonObject("placeOrder").getString("id");
    GraphqlSocket ws = new GraphqlSocket(vertx, node.httpPort(), "/graphql");
    ws.send(new JsonObject().put("type", "connection_init"));
    assertEquals("connection_ack", ws.next().getString("type"));
    ws.send(new JsonObject().put("type", "subscribe").put("id", "s1").put("payload", new JsonObject()
        .put("query", "subscription { orderStatus(id: \"" + orderId + "\") { orderId status } }")));
    JsonObject probe = new JsonObject().put("orderId", orderId).put("status", "probe").put("at", Instant.now().toString());
    JsonObject first = null;
    long until = System.currentTimeMillis() + 15_000;
    while (first == null && System.currentTimeMillis() < until) { // the feed's consumer registers as the first subscriber comes
      node.vertx().eventBus().publish(Addresses.ORDERS_STATUS, new JsonObject().put("orderId", "another").put("status", "x"));
      node.vertx().eventBus().publish(Addresses.ORDERS_STATUS, probe);
      first = ws.received.poll(200, TimeUnit.MILLISECONDS);
    }
    assertNotNull(first, "an event within 15 s (socket closed with " + ws.closedWith + ")");
    assertEquals("next", first.getString("type"), first.encode());
    assertEquals("s1", first.getString("id"));
    assertEquals("probe", first.getJsonObject("payload").getJsonObject("data").getJsonObject("orderStatus").getString("status"));
    while (ws.received.poll(300, TimeUnit.MILLISECONDS) != null) {
      // probes published while waiting for the first
    }
    // a real change: the orders service publishes it when the order is cancelled
    assertEquals("CANCELLED", data(post("/graphql", "mutation { cancelOrder(id: \"" + orderId + "\") { status } }", JSON))
        .getJsonObject("cancelOrder").getString("status"));
    JsonObject second = ws.next();
    assertEquals("CANCELLED", second.getJsonObject("payload").getJsonObject("data").getJsonObject("orderStatus")
        .getString("status"));
    ws.send(new JsonObject().put("type", "complete").put("id", "s1"));
    ws.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", ws.next().getString("type"));
    ws.send(new JsonObject().put("type", "subscribe").put("id", "q1").put("payload", new JsonObject()
        .put("query", "{ product(id: \"2\") { sku } }")));
    JsonObject answer = ws.next();
    assertEquals("next", answer.getString("type"));
    assertEquals("complete", ws.next().getString("type"));
    ws.send(new JsonObject().put("type", "subscribe").put("id", "q1").put("payload", new JsonObject()
        .put("query", "subscription { orderStatus(id: \"1\") { status } }")));
    ws.send(new JsonObject().put("type", "subscribe").put("id", "q1").put("payload", new JsonObject()
        .put("query", "subscription { orderStatus(id: \"1\") { status } }")));
    assertEquals(4409, ws.next().getInteger("code"), "a second subscriber with the same id closes the socket");
  }

  @Test
  void theConnectionIsAuthenticatedAtConnectionInit() throws Exception {
    GraphqlSocket anonymous = new GraphqlSocket(vertx, node.httpPort(), "/secure-graphql");
    anonymous.send(new JsonObject().put("type", "subscribe").put("id", "early").put("payload", new JsonObject().put("query", "{ __typename }")));
    assertEquals(4401, anonymous.next().getInteger("code"), "subscribe before connection_ack");
    GraphqlSocket noToken = new GraphqlSocket(vertx, node.httpPort(), "/secure-graphql");
    noToken.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject()));
    assertEquals(4403, noToken.next().getInteger("code"));
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("test-issuer")
        .subject("alice").expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    jwt.sign(new MACSigner(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    GraphqlSocket withToken = new GraphqlSocket(vertx, node.httpPort(), "/secure-graphql");
    withToken.send(new JsonObject().put("type", "connection_init").put("payload",
        new JsonObject().put("Authorization", "Bearer " + jwt.serialize())));
    assertEquals("connection_ack", withToken.next().getString("type"));
    withToken.send(new JsonObject().put("type", "subscribe").put("id", "1").put("payload", new JsonObject()
        .put("query", "{ product(id: \"1\") { sku } }")));
    assertEquals("GT-001", withToken.next().getJsonObject("payload").getJsonObject("data").getJsonObject("product").getString("sku"));
    // over HTTP the same route wants the token in the request
    assertEquals(401, post("/secure-graphql", "{ __typename }", JSON).statusCode());
  }

  @Test
  void anAggregateAnswersThePartsThatCameAndNamesTheOnesThatDidNot() {
    HttpResponse<Buffer> r = client.get("/product-page/4?lang=en").send().await();
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject page = r.bodyAsJsonObject();
    assertEquals("GT-004", page.getJsonObject("product").getString("sku"));
    assertEquals(120, page.getJsonObject("stock").getInteger("available"));
    assertTrue(page.getBoolean("partial"));
    assertEquals(504, page.getJsonObject("failed").getJsonObject("reviews").getInteger("status"));
    assertTrue(page.containsKey("reviews") && page.getValue("reviews") == null);
    HttpResponse<Buffer> unknown = client.get("/product-page/999").send().await();
    assertEquals(404, unknown.statusCode(), "a required part's 404 is the answer's");
    assertEquals("application/problem+json", unknown.getHeader("Content-Type"));
    HttpResponse<Buffer> broken = client.get("/broken-page/1").send().await();
    assertEquals(503, broken.statusCode(), broken.bodyAsString());
    assertTrue(broken.bodyAsJsonObject().getString("detail").startsWith("required part missing"), broken.bodyAsString());
  }
}
