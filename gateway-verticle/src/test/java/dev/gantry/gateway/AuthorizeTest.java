package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Principal;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceRecord;
import dev.gantry.gateway.auth.DevKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Scopes and roles per method, and the principal arriving at a service verticle. */
@ExtendWith(VertxExtension.class)
class AuthorizeTest {
  private TestUpstream upstream;
  private GatewayHarness gw;
  private DevKeys keys;
  private final AtomicReference<Envelope> seenByService = new AtomicReference<>();
  private final AtomicReference<java.util.Map<String, String>> serviceHeaders = new AtomicReference<>();
  @TempDir
  Path data;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    vertx.eventBus().<HttpCall>consumer(Addresses.httpService("orders-svc", null), m -> {
      seenByService.set(Envelope.from(m.headers()));
      serviceHeaders.set(m.body().headers());
      m.reply(HttpReply.json(200, new JsonObject().put("ok", true)));
    }).completion().await();
    ServiceCatalog.create(vertx).publish(new ServiceRecord("orders-svc", "v1", "default", "test",
        Addresses.httpService("orders-svc", "v1"))).await();
    String jwt = "{jwt: {dev: true, audiences: [gantry]}}";
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: orders, match: {path: /orders/**}, upstream: up, policies: [" + jwt + ", {authorize: {rules: ["
            + "{methods: [GET, HEAD], scopes: [orders:read]}, {methods: [POST, PUT], scopes: [orders:write]},"
            + "{methods: [DELETE], roles: [admin]}]}}]}",
        "{id: svc, match: {path: /svc/**}, service: orders-svc, policies: [" + jwt + ", {authorize: {scopes: [orders:read]}}]}",
        "{id: either, match: {path: /either/**}, upstream: up, policies: [{jwt: {dev: true, optional: true}},"
            + " {authorize: {scopes: [a, b], any-scope: true}}]}"), null, null, data);
    keys = DevKeys.in(data);
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  private String token(List<String> scopes, List<String> roles) {
    return keys.sign("alice", scopes, roles, "gantry", Duration.ofMinutes(5));
  }

  private HttpResponse<Buffer> send(io.vertx.core.http.HttpMethod method, String path, String token) {
    var request = gw.client.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return request.send().await();
  }

  @Test
  void eachMethodNeedsItsOwnScopeOrRole(Vertx vertx) {
    String reader = token(List.of("orders:read"), List.of());
    String writer = token(List.of("orders:read", "orders:write"), List.of());
    String admin = token(List.of(), List.of("admin"));
    assertEquals(200, send(io.vertx.core.http.HttpMethod.GET, "/orders/1", reader).statusCode());
    HttpResponse<Buffer> denied = send(io.vertx.core.http.HttpMethod.POST, "/orders/1", reader);
    assertEquals(403, denied.statusCode());
    assertEquals("Bearer realm=\"gantry\", error=\"insufficient_scope\", scope=\"orders:write\"",
        denied.getHeader("WWW-Authenticate"));
    assertEquals("application/problem+json", denied.getHeader("Content-Type"));
    assertEquals(200, send(io.vertx.core.http.HttpMethod.POST, "/orders/1", writer).statusCode());
    assertEquals(403, send(io.vertx.core.http.HttpMethod.DELETE, "/orders/1", writer).statusCode());
    assertEquals(200, send(io.vertx.core.http.HttpMethod.DELETE, "/orders/1", admin).statusCode());
    assertEquals(401, send(io.vertx.core.http.HttpMethod.GET, "/orders/1", null).statusCode());
    assertTrue(gw.registry.scrape().contains("gantry_policy_refusals_total{policy=\"authorize\",reason=\"scope\","
        + "route=\"orders\",status=\"403\"} 1.0"), gw.registry.scrape());
    io.vertx.core.json.JsonArray refusals = gw.admin.get("/admin/stats").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .send().await().bodyAsJsonObject().getJsonArray("refusals");
    assertTrue(refusals.stream().map(JsonObject.class::cast).anyMatch(r -> "orders".equals(r.getString("route"))
        && r.getInteger("status") == 403 && "scope".equals(r.getString("reason")) && r.getLong("count") == 1),
        "the console's data names route, status, reason and count: " + refusals.encode());
  }

  @Test
  void anOptionalAuthenticationLeavesTheDecisionToAuthorize(Vertx vertx) {
    assertEquals(401, send(io.vertx.core.http.HttpMethod.GET, "/either/x", null).statusCode());
    assertEquals(200, send(io.vertx.core.http.HttpMethod.GET, "/either/x", token(List.of("b"), List.of())).statusCode());
    assertEquals(403, send(io.vertx.core.http.HttpMethod.GET, "/either/x", token(List.of("c"), List.of())).statusCode());
    assertEquals(401, send(io.vertx.core.http.HttpMethod.GET, "/either/x", "garbage").statusCode(),
        "a bad token is refused even where a token is optional");
  }

  @Test
  void theServiceVerticleReceivesThePrincipalAndNoClientPrincipalHeader(Vertx vertx) {
    HttpResponse<Buffer> r = gw.client.get("/svc/1").putHeader("Authorization", "Bearer "
        + token(List.of("orders:read"), List.of("clerk"))).putHeader("Gantry-Principal", "mallory")
        .putHeader("gantry-principal-claims", "{\"sub\":\"mallory\"}").send().await();
    assertEquals(200, r.statusCode(), r.bodyAsString());
    Principal who = seenByService.get().claims();
    assertEquals("alice", seenByService.get().principal());
    assertEquals("alice", who.subject());
    assertEquals(List.of("orders:read"), who.scopes());
    assertEquals(List.of("clerk"), who.roles());
    assertEquals("urn:gantry:dev", who.issuer());
    assertFalse(serviceHeaders.get().keySet().stream().anyMatch(h -> h.toLowerCase().startsWith("gantry-principal")),
        "the client's principal headers never reach the service: " + serviceHeaders.get());
  }

  @Test
  void badRulesAreRefusedNamingTheField() {
    for (String[] c : new String[][] {
        {"{methods: [FETCH]}", "authorize.methods[0]: not an HTTP method"},
        {"{rules: []}", "authorize.rules: must hold at least one rule"},
        {"{rules: [{scope: [a]}]}", "authorize.rules[0].scope: unknown field"},
        {"{scopes: [a], rules: [{scopes: [b]}]}", "authorize.scopes: belongs inside rules[]"}}) {
      try {
        dev.gantry.gateway.spec.GatewaySpec.fromYaml("routes:\n  - {id: r, match: {path: /r}, upstream: up,"
            + " policies: [{authorize: " + c[0] + "}]}\nupstreams:\n  - {name: up, targets: [{url: 'http://127.0.0.1:1'}]}\n");
        throw new AssertionError("accepted " + c[0]);
      } catch (dev.gantry.codecs.ServiceException e) {
        assertTrue(e.detail().contains(c[1]), e.detail());
      }
    }
  }
}
