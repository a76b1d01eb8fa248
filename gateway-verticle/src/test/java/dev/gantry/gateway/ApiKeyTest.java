package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** API keys issued, used, expired and revoked through the admin API, on two gateways sharing one Postgres. */
@ExtendWith(VertxExtension.class)
class ApiKeyTest {
  private TestUpstream upstream;
  private GatewayHarness a;
  private GatewayHarness b;
  @TempDir
  Path data;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    String pg = TestBackends.shared().newPgDatabase();
    String routes = GatewayHarness.routesTo(upstream, "{id: keyed, match: {path: /keyed/**}, upstream: up,"
        + " policies: [{api-key: {}}, {authorize: {methods: [POST], scopes: [write]}}]}");
    a = GatewayHarness.start(vertx, routes, pg, null, data);
    b = GatewayHarness.start(vertx, routes, pg, null, data);
  }

  @AfterEach
  void stop() {
    a.stop();
    b.stop();
    upstream.stop();
  }

  private JsonObject issue(JsonObject body) {
    HttpResponse<Buffer> r = a.admin.post("/admin/api-keys").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .sendJsonObject(body).await();
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals("no-store", r.getHeader("Cache-Control"));
    return r.bodyAsJsonObject();
  }

  private int call(GatewayHarness gw, io.vertx.core.http.HttpMethod method, String key) {
    var request = gw.client.request(method, "/keyed/x");
    if (key != null) {
      request.putHeader("X-Api-Key", key);
    }
    return request.send().await().statusCode();
  }

  @Test
  void anIssuedKeyWorksOnBothNodesCarriesItsConsumerAndStopsOnBothWithinASecondOfRevocation(Vertx vertx) {
    JsonObject issued = issue(new JsonObject().put("consumer", "acme").put("scopes", new JsonArray().add("read")));
    String key = issued.getString("key");
    assertTrue(key.startsWith("gk_" + issued.getString("id") + "."), key);
    assertEquals(200, call(a, io.vertx.core.http.HttpMethod.GET, key));
    assertEquals("acme", upstream.lastHeaders.get("gantry-principal-consumer"));
    assertEquals(200, call(b, io.vertx.core.http.HttpMethod.GET, key));
    assertEquals(403, call(b, io.vertx.core.http.HttpMethod.POST, key), "the key lacks the write scope");

    JsonArray listed = a.admin.get("/admin/api-keys").bearerTokenAuthentication(GatewayHarness.TOKEN).send().await()
        .bodyAsJsonObject().getJsonArray("apiKeys");
    assertEquals(1, listed.size());
    assertFalse(listed.encode().contains(key.substring(key.indexOf('.') + 1)), "the secret is shown once only");

    assertEquals(204, a.admin.delete("/admin/api-keys/" + issued.getString("id"))
        .bearerTokenAuthentication(GatewayHarness.TOKEN).send().await().statusCode());
    long deadline = System.currentTimeMillis() + 1_000;
    int onB;
    do { // b had the key cached; the revocation reaches it over the event bus
      onB = call(b, io.vertx.core.http.HttpMethod.GET, key);
    } while (onB != 401 && System.currentTimeMillis() < deadline);
    assertEquals(401, onB, "revoked on the other node within a second");
    assertEquals(401, call(a, io.vertx.core.http.HttpMethod.GET, key));
    assertEquals(404, a.admin.delete("/admin/api-keys/nope").bearerTokenAuthentication(GatewayHarness.TOKEN).send()
        .await().statusCode());
  }

  @Test
  void wrongMissingAndMadeUpKeysAreRefusedAlike(Vertx vertx) {
    String key = issue(new JsonObject().put("consumer", "acme")).getString("key");
    String wrongSecret = key.substring(0, key.length() - 3) + (key.endsWith("AAA") ? "BBB" : "AAA");
    HttpResponse<Buffer> missing = a.get("/keyed/x");
    assertEquals(401, missing.statusCode());
    assertEquals("ApiKey realm=\"gantry\"", missing.getHeader("WWW-Authenticate"));
    for (String bad : new String[] {wrongSecret, "gk_" + "A".repeat(22) + "." + "A".repeat(43), "nonsense", key + "x"}) {
      HttpResponse<Buffer> r = a.client.get("/keyed/x").putHeader("X-Api-Key", bad).send().await();
      assertEquals(401, r.statusCode(), bad);
      assertEquals("ApiKey realm=\"gantry\", error=\"invalid_token\"", r.getHeader("WWW-Authenticate"));
    }
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void anExpiredKeyIsRefused(Vertx vertx) {
    String key = issue(new JsonObject().put("consumer", "brief").put("expires-in-seconds", 1)).getString("key");
    long deadline = System.currentTimeMillis() + 5_000;
    int status;
    do {
      status = call(a, io.vertx.core.http.HttpMethod.GET, key);
    } while (status == 200 && System.currentTimeMillis() < deadline);
    assertEquals(401, status);
  }

  @Test
  void badIssueRequestsAreRefusedNamingTheField(Vertx vertx) {
    for (String[] c : new String[][] {
        {"{}", "consumer: is required"},
        {"{\"consumer\":\"a b\"}", "consumer: letters, digits"},
        {"{\"consumer\":\"a\",\"scopes\":[\"a b\"]}", "scopes[0]: not a scope token"},
        {"{\"consumer\":\"a\",\"ttl\":3}", "ttl: unknown field"}}) {
      HttpResponse<Buffer> r = a.admin.post("/admin/api-keys").bearerTokenAuthentication(GatewayHarness.TOKEN)
          .sendBuffer(Buffer.buffer(c[0])).await();
      assertEquals(422, r.statusCode(), r.bodyAsString());
      assertTrue(r.bodyAsJsonObject().getString("detail").contains(c[1]), r.bodyAsString());
    }
  }
}
