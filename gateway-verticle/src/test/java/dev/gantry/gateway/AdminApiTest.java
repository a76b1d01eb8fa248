package dev.gantry.gateway;

import static dev.gantry.gateway.GatewayHarness.TOKEN;
import static dev.gantry.gateway.GatewayHarness.upstreamOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin API: token, CRUD, validation that leaves the running table untouched. */
@ExtendWith(VertxExtension.class)
class AdminApiTest {
  private TestUpstream a;
  private TestUpstream b;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) {
    a = new TestUpstream(vertx, "a").start();
    b = new TestUpstream(vertx, "b").start();
    gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: a, targets: [{url: '" + a.url() + "'}]}\n"
        + "routes:\n  - {id: one, match: {path: /one}, upstream: a}\n");
  }

  @AfterEach
  void stop() {
    gw.close();
    a.stop();
    b.stop();
  }

  private HttpResponse<Buffer> put(String path, JsonObject body) {
    return gw.admin.put(path).bearerTokenAuthentication(TOKEN).sendJsonObject(body).await();
  }

  @Test
  void refusesCallsWithoutTheToken() {
    HttpResponse<Buffer> none = gw.admin.get("/admin/routes").send().await();
    assertEquals(401, none.statusCode());
    assertEquals("application/problem+json", none.getHeader("Content-Type"));
    assertEquals(401, gw.admin.get("/admin/routes").bearerTokenAuthentication("wrong").send().await().statusCode());
  }

  @Test
  void createsReadsReplacesAndDeletesRoutesAndUpstreams() {
    HttpResponse<Buffer> upstream = put("/admin/upstreams/b", new JsonObject()
        .put("targets", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", b.url()))));
    assertEquals(200, upstream.statusCode(), upstream.bodyAsString());
    HttpResponse<Buffer> created = gw.admin.post("/admin/routes").bearerTokenAuthentication(TOKEN)
        .sendJsonObject(new JsonObject("{\"id\":\"two\",\"match\":{\"path\":\"/two\"},\"upstream\":\"b\"}")).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("/admin/routes/two", created.getHeader("Location"));
    assertEquals("b", upstreamOf(gw.get("/two")));

    assertEquals(409, gw.admin.post("/admin/routes").bearerTokenAuthentication(TOKEN)
        .sendJsonObject(new JsonObject("{\"id\":\"two\",\"match\":{\"path\":\"/x\"},\"upstream\":\"b\"}")).await().statusCode());
    assertEquals(200, put("/admin/routes/two", new JsonObject("{\"match\":{\"path\":\"/two\"},\"upstream\":\"a\"}")).statusCode());
    assertEquals("a", upstreamOf(gw.get("/two")));
    assertEquals("/two", gw.admin.get("/admin/routes/two").bearerTokenAuthentication(TOKEN).send().await()
        .bodyAsJsonObject().getJsonObject("match").getString("path"));

    assertEquals(204, gw.admin.delete("/admin/routes/two").bearerTokenAuthentication(TOKEN).send().await().statusCode());
    assertEquals(404, gw.get("/two").statusCode());
    assertEquals(404, gw.admin.delete("/admin/routes/two").bearerTokenAuthentication(TOKEN).send().await().statusCode());
    assertEquals(204, gw.admin.delete("/admin/upstreams/b").bearerTokenAuthentication(TOKEN).send().await().statusCode());
    HttpResponse<Buffer> inUse = gw.admin.delete("/admin/upstreams/a").bearerTokenAuthentication(TOKEN).send().await();
    assertEquals(422, inUse.statusCode());
    assertTrue(inUse.bodyAsJsonObject().getString("detail").contains("upstream a is not defined"));
  }

  @Test
  void aBadRouteIsRefusedNamingTheFieldAndTheRunningTableIsUntouched() {
    long version = gw.status().getLong("specVersion");
    HttpResponse<Buffer> bad = put("/admin/routes/one", new JsonObject("{\"match\":{\"path\":\"one\"},\"upstream\":\"a\"}"));
    assertEquals(422, bad.statusCode());
    assertEquals("route.match.path: must start with /", bad.bodyAsJsonObject().getString("detail"));
    HttpResponse<Buffer> typo = put("/admin/routes/one", new JsonObject("{\"match\":{\"path\":\"/one\"},\"upstream\":\"a\",\"retires\":{}}"));
    assertEquals("route.retires: unknown field", typo.bodyAsJsonObject().getString("detail"));
    HttpResponse<Buffer> missing = put("/admin/routes/one", new JsonObject("{\"match\":{\"path\":\"/one\"},\"upstream\":\"nope\"}"));
    assertEquals(422, missing.statusCode());
    HttpResponse<Buffer> pattern = put("/admin/routes/one", new JsonObject("{\"match\":{\"path\":\"/a/x{id}\"},\"upstream\":\"a\"}"));
    assertEquals(422, pattern.statusCode(), pattern.bodyAsString());
    HttpResponse<Buffer> badUpstream = put("/admin/upstreams/a", new JsonObject("{\"targets\":[{\"url\":\"ftp://x\"}]}"));
    assertEquals("upstream.targets[0].url: must be http://host:port or https://host:port, got ftp://x", badUpstream.bodyAsJsonObject().getString("detail"));
    assertEquals(400, gw.admin.put("/admin/routes/one").bearerTokenAuthentication(TOKEN)
        .sendBuffer(Buffer.buffer("{nope")).await().statusCode());

    assertEquals(version, gw.status().getLong("specVersion"), "nothing was stored");
    assertEquals("a", upstreamOf(gw.get("/one")));
  }

  @Test
  void servesItsOpenApiDescription() {
    JsonObject doc = gw.admin.get("/admin/openapi.json").bearerTokenAuthentication(TOKEN).send().await().bodyAsJsonObject();
    assertEquals("3.0.3", doc.getString("openapi"));
    assertTrue(doc.getJsonObject("paths").containsKey("/admin/routes/{id}"));
  }

  @Test
  void eachAcceptedWriteAnswersTheNewSpecVersionAndARefusedOneChangesNone(Vertx vertx) {
    long start = gw.status().getLong("specVersion");
    HttpResponse<Buffer> upstream = put("/admin/upstreams/b", new JsonObject()
        .put("targets", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", b.url()))));
    long first = version(upstream);
    assertTrue(first > start, first + " after " + start);
    long second = version(put("/admin/routes/two", new JsonObject("{\"match\":{\"path\":\"/two\"},\"upstream\":\"b\"}")));
    assertTrue(second > first, second + " after " + first);
    dev.gantry.testkit.Poll.until(vertx, java.time.Duration.ofSeconds(30), "the node runs version " + second,
        () -> gw.status().getLong("specVersion") == second);

    HttpResponse<Buffer> refused = put("/admin/routes/two", new JsonObject("{\"match\":{\"path\":\"two\"},\"upstream\":\"b\"}"));
    assertEquals(422, refused.statusCode());
    assertEquals(null, refused.getHeader("Gantry-Spec-Version"), "a refused write makes no version");

    HttpResponse<Buffer> deleted = gw.admin.delete("/admin/routes/two").bearerTokenAuthentication(TOKEN).send().await();
    long third = version(deleted);
    assertTrue(third > second, third + " after " + second);
    dev.gantry.testkit.Poll.until(vertx, java.time.Duration.ofSeconds(30), "the node runs version " + third,
        () -> gw.status().getLong("specVersion") == third);
    assertEquals(404, gw.get("/two").statusCode());
  }

  private static long version(HttpResponse<Buffer> accepted) {
    assertTrue(accepted.statusCode() / 100 == 2, accepted.statusCode() + " " + accepted.bodyAsString());
    String header = accepted.getHeader("Gantry-Spec-Version");
    assertTrue(header != null && header.matches("\\d+"), "Gantry-Spec-Version: " + header);
    return Long.parseLong(header);
  }
}
