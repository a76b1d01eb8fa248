package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.RawHttp;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The api-key policy and its admin API fed what a hostile client or a sloppy script would send: 4xx, never 5xx. */
@ExtendWith(VertxExtension.class)
class ApiKeyAttackTest {
  private TestUpstream upstream;
  private GatewayHarness gw;
  private String pgUrl;
  @TempDir
  Path data;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream, "{id: keyed, match: {path: /keyed/**},"
        + " upstream: up, policies: [{api-key: {}}]}"), pgUrl = TestBackends.shared().newPgDatabase(), null, data);
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  private HttpResponse<Buffer> issue(String json) {
    return gw.admin.post("/admin/api-keys").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json)).await();
  }

  @Test
  void oddIssueRequestsAreRefusedAsTheClientsFault() {
    List<String> bodies = List.of(
        "{}", "{\"consumer\":null}", "{\"consumer\":7}", "{\"consumer\":\"\"}", "{\"consumer\":\"a b\"}",
        "{\"consumer\":\"a\\r\\nb\"}", "{\"consumer\":\"\u0142\"}", "{\"consumer\":\"" + "a".repeat(129) + "\"}",
        "{\"consumer\":\"a\\u0000\"}", "{\"consumer\":{\"x\":1}}",
        "{\"consumer\":\"acme\",\"scopes\":\"read\"}", "{\"consumer\":\"acme\",\"scopes\":[null]}",
        "{\"consumer\":\"acme\",\"scopes\":[7]}", "{\"consumer\":\"acme\",\"scopes\":[\"\"]}",
        "{\"consumer\":\"acme\",\"scopes\":[\"a b\"]}", "{\"consumer\":\"acme\",\"scopes\":[\"a\\u0000\"]}",
        "{\"consumer\":\"acme\",\"scopes\":[[\"a\"]]}",
        "{\"consumer\":\"acme\",\"expires-in-seconds\":0}", "{\"consumer\":\"acme\",\"expires-in-seconds\":-1}",
        "{\"consumer\":\"acme\",\"expires-in-seconds\":1.5}", "{\"consumer\":\"acme\",\"expires-in-seconds\":\"60\"}",
        "{\"consumer\":\"acme\",\"expires-in-seconds\":1e20}",
        "{\"consumer\":\"acme\",\"expires-in-seconds\":99999999999999999999999}",
        "{\"consumer\":\"acme\",\"id\":\"chosen\"}", "[]", "\"acme\"", "{\"consumer\":\"acme\"");
    for (String body : bodies) {
      HttpResponse<Buffer> r = issue(body);
      assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, body + " -> " + r.statusCode() + " " + r.bodyAsString());
    }
  }

  @Test
  void revokingAnIdNoKeyCouldHaveIsA404NotAStoreError() {
    for (String id : List.of("nope", "%00", "a%00b", "x".repeat(4000), "%C3%28", "'%3B--", "%E2%80%A8")) {
      HttpResponse<Buffer> r = gw.admin.delete("/admin/api-keys/" + id).bearerTokenAuthentication(GatewayHarness.TOKEN)
          .send().await();
      assertEquals(404, r.statusCode(), id + " -> " + r.bodyAsString());
    }
  }

  @Test
  void presentedKeysThatAreNotKeysAreOne401() {
    JsonObject issued = issue("{\"consumer\":\"acme\"}").bodyAsJsonObject();
    String key = issued.getString("key");
    int port = gw.gateway.actualPort();
    List<String> headers = List.of(
        "X-Api-Key: " + key + "x\r\n",
        "X-Api-Key: " + key.replace("gk_", "GK_") + "\r\n",
        "X-Api-Key: " + key.substring(0, key.length() - 1) + "\u00e9\r\n",
        "X-Api-Key: gk_" + "A".repeat(22) + "." + "B".repeat(43) + "\r\n",
        "X-Api-Key: " + "k".repeat(6000) + "\r\n",
        "X-Api-Key: \r\n");
    for (String h : headers) {
      RawHttp.Response r = RawHttp.exchange(port, "GET /keyed/1 HTTP/1.1\r\nHost: h\r\n" + h + "Connection: close\r\n\r\n");
      assertEquals(401, r.status(), h.length() > 80 ? h.substring(0, 80) : h);
    }
    RawHttp.Response two = RawHttp.exchange(port, "GET /keyed/1 HTTP/1.1\r\nHost: h\r\nX-Api-Key: " + key
        + "\r\nx-api-key: " + key + "\r\nConnection: close\r\n\r\n");
    assertEquals(400, two.status());
    RawHttp.Response ok = RawHttp.exchange(port, "GET /keyed/1 HTTP/1.1\r\nHost: h\r\nx-API-key: \t" + key
        + " \r\nConnection: close\r\n\r\n");
    assertEquals(200, ok.status(), ok.body());
    assertEquals(0, upstream.requests.get() - 1);
  }

  @Test
  void randomKeyIdsDoNotEachCostADatabaseQuery(Vertx vertx) { // was 300 ids, ~565 transactions: ids now carry a MAC
    io.vertx.sqlclient.Pool pg = io.vertx.pgclient.PgBuilder.pool().connectingTo(pgUrl).using(vertx).build();
    try {
      issue("{\"consumer\":\"acme\"}"); // the table exists
      long before = transactions(vertx, pg);
      java.util.Random random = new java.util.Random(1);
      gw.many(300, 20, i -> {
        byte[] id = new byte[16]; // the length of a real id
        random.nextBytes(id);
        return gw.client.get("/keyed/1").putHeader("X-Api-Key", "gk_" + java.util.Base64.getUrlEncoder()
            .withoutPadding().encodeToString(id) + "." + "s".repeat(43)).send();
      }).forEach(r -> assertEquals(401, r.statusCode()));
      long spent = transactions(vertx, pg) - before;
      assertTrue(spent < 30, "300 made-up key ids cost " + spent + " database transactions");
    } finally {
      pg.close().await();
    }
  }

  /** Transactions committed in this database, once the backends have flushed their statistics (at most each second). */
  private static long transactions(Vertx vertx, io.vertx.sqlclient.Pool pg) {
    long last = -1;
    for (int i = 0; i < 8; i++) {
      long now = pg.query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").execute()
          .await().iterator().next().getLong(0);
      if (now == last) {
        return now;
      }
      last = now;
      vertx.timer(1_200).await(); // statistics reach pg_stat_database at most each second
    }
    return last;
  }
}
