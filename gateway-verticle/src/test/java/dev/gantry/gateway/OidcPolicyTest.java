package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The oidc policy against a real OpenID Connect provider running in this JVM (mock-oauth2-server). */
@ExtendWith(VertxExtension.class)
class OidcPolicyTest {
  private MockOAuth2Server idp;
  private TestUpstream upstream;
  private GatewayHarness gw;
  @TempDir
  Path data;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    idp = new MockOAuth2Server();
    idp.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    upstream = new TestUpstream(vertx, "up").start();
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.stop();
    }
    upstream.stop();
    idp.shutdown();
  }

  private void route(Vertx vertx, String extra) {
    String issuer = idp.issuerUrl("shop").toString();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream, "{id: oidc, match: {path: /o/**}, upstream: up,"
        + " policies: [{oidc: {issuer: '" + issuer + "', client-id: gateway, client-secret: s3cret" + extra + "}}, {authorize: {scopes: [orders:read]}}]}"), null, null, data);
  }

  private String token(String subject, String audience, String scope) {
    return idp.issueToken("shop", subject, audience, Map.of("scope", scope)).serialize();
  }

  private HttpResponse<Buffer> call(String token) {
    return gw.client.get("/o/1").putHeader("Authorization", "Bearer " + token).send().await();
  }

  @Test
  void aJwtAccessTokenOfTheProviderIsVerifiedWithItsDiscoveredKeys(Vertx vertx) {
    route(vertx, ", audiences: [shop-api]");
    HttpResponse<Buffer> ok = call(token("bob", "shop-api", "orders:read"));
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals("bob", upstream.lastHeaders.get("gantry-principal"));
    assertEquals("oidc", upstream.lastHeaders.get("gantry-principal-method"));
    assertEquals(401, call(token("bob", "another-api", "orders:read")).statusCode(), "wrong audience");
    assertEquals(403, call(token("bob", "shop-api", "profile")).statusCode(), "missing scope");
    String valid = token("bob", "shop-api", "orders:read");
    assertEquals(401, call(valid.substring(0, valid.length() - 3) + "abc").statusCode(), "tampered signature");
    assertEquals(401, gw.get("/o/1").statusCode());
  }

  @Test
  void tokensAreIntrospectedWithTheGatewaysClientCredentialsAndTheAnswerIsCached(Vertx vertx) {
    // no audience here: this provider's introspection answers "aud" as the text "[shop-api]", not a list
    route(vertx, ", introspect: always");
    String token = token("carol", "shop-api", "orders:read orders:write");
    drain();
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> r = call(token);
      assertEquals(200, r.statusCode(), r.bodyAsString());
    }
    assertEquals("carol", upstream.lastHeaders.get("gantry-principal"));
    assertEquals("orders:read orders:write", upstream.lastHeaders.get("gantry-principal-scopes"));
    java.util.List<String> seen = drain();
    long introspections = seen.stream().filter(p -> p.contains("introspect")).count();
    assertEquals(1, introspections, "one introspection, then the cache: " + seen);
    assertTrue(seen.stream().filter(p -> p.contains("introspect")).allMatch(p -> p.startsWith("POST") && p.endsWith(" basic")), seen.toString());
    assertEquals(401, call("an-opaque-token-the-provider-never-issued").statusCode());
  }

  /** The requests the provider got since the last drain, as "METHOD path [basic-auth?]". */
  private java.util.List<String> drain() {
    java.util.List<String> seen = new java.util.ArrayList<>();
    while (true) {
      okhttp3.mockwebserver.RecordedRequest r;
      try {
        r = idp.takeRequest(300, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (RuntimeException none) { // it throws when the queue stays empty
        return seen;
      }
      String auth = r.getHeader("Authorization");
      seen.add(r.getMethod() + " " + r.getPath() + (auth != null && auth.startsWith("Basic ") ? " basic" : ""));
    }
  }

  @Test
  void anUnreachableProviderIsA503NotA401(Vertx vertx) {
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream, "{id: oidc, match: {path: /o/**}, upstream: up,"
        + " policies: [{oidc: {issuer: 'http://127.0.0.1:1/nobody', client-id: g, client-secret: s}}]}"), null, null, data);
    HttpResponse<Buffer> r = call("opaque-token");
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertEquals("30", r.getHeader("Retry-After"));
  }
}
