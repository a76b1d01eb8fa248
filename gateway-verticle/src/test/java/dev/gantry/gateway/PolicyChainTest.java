package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyChain;
import dev.gantry.gateway.policy.PolicyRegistry;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.SpecReader;
import dev.gantry.testkit.RawHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The policy seam: how a chain is read, ordered, composed and run, and the built-in {@code limits}. */
@ExtendWith(VertxExtension.class)
class PolicyChainTest {
  private TestUpstream upstream;
  private GatewayHarness gw;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.stop();
    }
    if (upstream != null) {
      upstream.stop();
    }
  }

  /** A test type that records its name when it runs, and answers 403 when configured to. */
  private record Recording(String name, Phase phase, List<String> log) implements PolicyType<Boolean> {
    @Override
    public java.util.Set<String> fields() {
      return java.util.Set.of("deny");
    }

    @Override
    public Boolean read(SpecReader config) {
      return config.bool("deny", false);
    }

    @Override
    public Policy create(Boolean deny, PolicyRuntime runtime) {
      return (exchange, next) -> {
        log.add(name);
        if (deny) {
          return Future.succeededFuture(Reply.problem(Failure.FORBIDDEN, name + " says no"));
        }
        return next.proceed(exchange).map(reply -> {
          reply.headers().add("X-Seen-By", name); // wraps the reply on its way out
          return reply;
        });
      };
    }
  }

  /** A spec as JSON (not yet read) with one route carrying {@code policies}, given as JSON text. */
  private static JsonObject spec(String policies) {
    return new JsonObject("{\"upstreams\": [], \"routes\": [{\"id\": \"r\", \"match\": {\"path\": \"/r\"},"
        + " \"service\": \"s\", \"policies\": " + policies + "}]}");
  }

  @Test
  void aPolicyOrTargetThatThrowsAnErrorFailsTheReplyInsteadOfLeavingTheRequestUnanswered() {
    PolicyRegistry registry = PolicyRegistry.builtIn().with(new Recording("guard", Phase.EDGE, new ArrayList<>()));
    GatewaySpec read = GatewaySpec.fromJson(spec("[{\"guard\": {}}]"), registry);
    PolicyChain chain = PolicyChain.of(read.routes().get(0).policies(), PolicyRuntime.detached());
    Future<Reply> reply = chain.run(new RouteExchange(null, "r", null), ex -> {
      throw new StackOverflowError("a regular expression ran out of stack");
    });
    assertTrue(reply.failed(), "the error is the reply's failure, answered as a problem");
    assertInstanceOf(StackOverflowError.class, reply.cause());
  }

  @Test
  void policiesRunByPhaseThenAsListedAndCanShortCircuitOrWrapTheReply() {
    List<String> log = new ArrayList<>();
    PolicyRegistry registry = PolicyRegistry.builtIn()
        .with(new Recording("auth", Phase.AUTHENTICATE, log))
        .with(new Recording("guard", Phase.EDGE, log))
        .with(new Recording("store", Phase.CACHE, log));
    GatewaySpec read = GatewaySpec.fromJson(spec("[{\"store\": {}}, {\"auth\": {}}, {\"guard\": {}}, {\"auth\": {\"deny\": false}}]"), registry);
    PolicyChain chain = PolicyChain.of(read.routes().get(0).policies(), PolicyRuntime.detached());
    RouteExchange exchange = new RouteExchange(null, "r", null);
    Reply reply = chain.run(exchange, ex -> {
      log.add("target");
      return Future.succeededFuture(Reply.of(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("ok")));
    }).result();
    assertEquals(List.of("guard", "auth", "auth", "store", "target"), log);
    assertEquals(200, reply.status());
    assertEquals(List.of("store", "auth", "auth", "guard"), reply.headers().getAll("X-Seen-By"), "wrapped inside out");

    log.clear();
    GatewaySpec denying = GatewaySpec.fromJson(spec("[{\"store\": {}}, {\"auth\": {\"deny\": true}}, {\"guard\": {}}]"), registry);
    Reply denied = PolicyChain.of(denying.routes().get(0).policies(), PolicyRuntime.detached()).run(exchange, ex -> {
      log.add("target");
      return Future.succeededFuture(Reply.of(200, MultiMap.caseInsensitiveMultiMap(), null));
    }).result();
    assertEquals(List.of("guard", "auth"), log, "nothing after the policy that answered");
    assertEquals(403, denied.status());
  }

  @Test
  void anUnknownTypeOrFieldIsRefusedNamingItsPath() {
    ServiceException unknownType = assertThrows(ServiceException.class, () -> GatewaySpec.fromJson(spec("[{\"wafx\": {}}]")));
    assertEquals("routes[0].policies[0].wafx: unknown policy type (known: api-key, authorize, cache, compress, ddos, jwt, limits, oidc, quota, rate-limit, waf)", unknownType.detail());
    ServiceException badField = assertThrows(ServiceException.class,
        () -> GatewaySpec.fromJson(spec("[{\"limits\": {\"max-uri-bytez\": 10}}]")));
    assertEquals("routes[0].policies[0].limits.max-uri-bytez: unknown field (did you mean max-uri-bytes?)", badField.detail());
    ServiceException badValue = assertThrows(ServiceException.class,
        () -> GatewaySpec.fromJson(spec("[{\"limits\": {\"max-headers\": 0}}]")));
    assertEquals("routes[0].policies[0].limits.max-headers: must be between 1 and 10000, got 0", badValue.detail());
    ServiceException notAList = assertThrows(ServiceException.class, () -> GatewaySpec.fromJson(spec("{\"limits\": {}}")));
    assertEquals("routes[0].policies: must be a list of policies", notAList.detail());
    ServiceException routeOnly = assertThrows(ServiceException.class, () -> GatewaySpec.fromJson(
        GatewaySpec.fromYaml("upstreams: []\nroutes: []\n").toJson().put("policies",
            new io.vertx.core.json.JsonArray().add(new JsonObject().put("auth", new JsonObject()))),
        PolicyRegistry.builtIn().with(new Recording("auth", Phase.AUTHENTICATE, new ArrayList<>()))));
    assertEquals("policies[0].auth: a authenticate policy belongs on a route, not gateway-wide", routeOnly.detail());
  }

  @Test
  void aRouteWithLimitsAnswers414And431ItselfAndOtherRoutesAreUntouched(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: tight, match: {path: /tight/**}, upstream: up, policies: [{limits: {max-uri-bytes: 40, max-headers: 8,"
            + " max-header-bytes: 300}}]}",
        "{id: open, match: {path: /open/**}, upstream: up}"));
    int port = gw.gateway.actualPort();
    RawHttp.Response longUri = RawHttp.exchange(port, "GET /tight/" + "a".repeat(40) + " HTTP/1.1\r\nHost: h\r\n\r\n");
    assertEquals(414, longUri.status());
    assertTrue(longUri.isProblem());
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    assertEquals(431, RawHttp.exchange(port, "GET /tight/a HTTP/1.1\r\nHost: h\r\n" + many + "\r\n").status());
    assertEquals(431, RawHttp.exchange(port, "GET /tight/a HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(400)
        + "\r\n\r\n").status());
    assertEquals(0, upstream.requests.get(), "refused before the target");
    assertEquals(200, RawHttp.exchange(port, "GET /tight/a HTTP/1.1\r\nHost: h\r\n\r\n").status());
    assertEquals(200, RawHttp.exchange(port, "GET /open/" + "a".repeat(100) + " HTTP/1.1\r\nHost: h\r\n" + many
        + "\r\n").status());
  }

  @Test
  void gatewayWidePoliciesRunBeforeMatchingForRoutesAndTheBuiltInApi(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, "policies:\n  - limits: {max-uri-bytes: 30}\n"
        + GatewayHarness.routesTo(upstream, "{id: open, match: {path: /open/**}, upstream: up}"));
    HttpResponse<Buffer> routed = gw.get("/open/" + "x".repeat(30));
    assertEquals(414, routed.statusCode());
    assertEquals("application/problem+json", routed.getHeader("Content-Type"));
    assertEquals(414, gw.get("/api/products/" + "1".repeat(30)).statusCode(), "requests no route matched too");
    assertEquals(200, gw.get("/open/x").statusCode());
    assertEquals(0, new JsonObject(gw.admin.get("/admin/spec").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .send().await().bodyAsString()).getJsonArray("policies").getJsonObject(0).getJsonObject("limits")
        .getInteger("max-uri-bytes") - 30, "the admin API serves the policies back as declared");
  }

  @Test
  void limitsApplyBeforeAWebSocketUpgrade(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: ws, match: {path: /ws/**}, upstream: up, policies: [{limits: {max-headers: 5}}]}"));
    RawHttp.Response refused = RawHttp.exchange(gw.gateway.actualPort(), "GET /ws/chat HTTP/1.1\r\nHost: h\r\n"
        + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Extra: 1\r\n\r\n");
    assertEquals(431, refused.status());
    assertEquals(0, upstream.requests.get());
  }
}
