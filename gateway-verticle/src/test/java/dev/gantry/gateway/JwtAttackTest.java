package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObjectJSON;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.gateway.observe.SafeText;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The jwt policy and the principal seam attacked as a hostile client (or a careless issuer) would:
 * odd token shapes and claim types never give a 5xx, and nothing of a token's claims reaches the
 * upstream or the access log as anything but the one value it is.
 */
@ExtendWith(VertxExtension.class)
class JwtAttackTest {
  static final String ISSUER = "https://idp.test/";
  private TestUpstream upstream;
  private GatewayHarness gw;
  private HttpServer jwksServer;
  private RSAKey rsa;
  @TempDir
  Path data;

  @BeforeEach
  void keys(Vertx vertx) throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    String jwks = new JWKSet(rsa.toPublicJWK()).toString();
    jwksServer = vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "max-age=3600").end(jwks));
    jwksServer.listen(0, "127.0.0.1").await();
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: orders, match: {path: /orders/**}, upstream: up, policies: [{jwt: {issuer: '" + ISSUER
            + "', jwks-url: 'http://127.0.0.1:" + jwksServer.actualPort() + "/jwks.json', scope-claim: scp}}]}",
        "{id: open, match: {path: /open/**}, upstream: up, policies: [{jwt: {issuer: '" + ISSUER
            + "', jwks-url: 'http://127.0.0.1:" + jwksServer.actualPort() + "/jwks.json', optional: true}}]}"),
        null, null, data);
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
    jwksServer.close().await();
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)));
  }

  private String rs256(JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims);
    jwt.sign(new RSASSASigner(rsa));
    return jwt.serialize();
  }

  /** Signs a payload given as raw JSON text (claim types Nimbus's builder would not write). */
  private String rs256(String payloadJson) throws Exception {
    com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), new Payload(payloadJson));
    jws.sign(new RSASSASigner(rsa));
    return jws.serialize();
  }

  private HttpResponse<Buffer> call(String token) {
    return gw.client.get("/orders/1").putHeader("Authorization", "Bearer " + token).send().await();
  }

  @Test
  void oddTokenShapesAndClaimTypesAreRefusedOrAcceptedButNeverA5xx() throws Exception {
    long exp = Instant.now().plusSeconds(300).getEpochSecond();
    String valid = rs256(claims().build());
    String[] p = valid.split("\\.");
    JWSObjectJSON json = new JWSObjectJSON(new Payload(claims().build().toJSONObject()));
    json.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), new RSASSASigner(rsa));
    Map<String, Integer> tokens = new java.util.LinkedHashMap<>();
    tokens.put(json.serializeGeneral(), 401); // JWS JSON serialization is not a compact JWT
    tokens.put(json.serializeFlattened(), 401);
    tokens.put(p[0] + ".." + p[2], 401);
    tokens.put(p[0] + "." + p[1] + "." + p[2] + ".", 401);
    tokens.put("." + p[1] + "." + p[2], 401);
    tokens.put("..", 401);
    tokens.put(Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"" + "k".repeat(3000) + "\"}") + "." + p[1] + "." + p[2], 401);
    tokens.put(Base64URL.encode("{\"alg\":\"RS256\",\"kid\":{\"a\":1}}") + "." + p[1] + "." + p[2], 401);
    tokens.put(Base64URL.encode("{\"alg\":\"RS256\",\"typ\":[\"JWT\"]}") + "." + p[1] + "." + p[2], 401);
    tokens.put(Base64URL.encode("[1,2]") + "." + p[1] + "." + p[2], 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":" + exp + ".75}"), 200);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":\"" + exp + "\"}"), 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":1e400}"), 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":" + exp + ",\"nbf\":\"0\"}"), 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":" + exp + ",\"iat\":true}"), 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":" + exp + ",\"aud\":[\"a\",7]}"), 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":" + exp + ",\"scp\":{\"admin\":true}}"), 200);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":7,\"exp\":" + exp + "}"), 200); // Nimbus reads it as "7"
    tokens.put(rs256("{\"iss\":[\"" + ISSUER + "\"],\"sub\":\"alice\",\"exp\":" + exp + "}"), 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + "x".repeat(1_000) + "\",\"exp\":" + exp + "}"), 401);
    tokens.put(rs256("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"exp\":" + exp + ",\"exp\":1}"), 401);
    int i = 0;
    for (Map.Entry<String, Integer> t : tokens.entrySet()) {
      HttpResponse<Buffer> r = call(t.getKey());
      assertEquals(t.getValue(), r.statusCode(), "token " + i++ + ": " + r.bodyAsString());
    }
  }

  @Test
  void aSubjectWithControlCharactersIsRefusedNeverForwardedNorLoggedRaw() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("gantry.access");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      for (String sub : List.of("alice\r\nGantry-Principal: admin", "alice\u001b[2J", "alice\u0000", "alice\u0085x",
          "alice\u2028x")) {
        HttpResponse<Buffer> r = call(rs256(claims().subject(sub).build()));
        assertEquals(401, r.statusCode(), SafeText.of(sub) + ": " + r.bodyAsString());
      }
      assertEquals(0, upstream.requests.get(), "no such subject reaches the upstream");
      Poll.until(gw.vertx, Duration.ofSeconds(10), "access lines", () -> lines.list.size() >= 5);
      for (ILoggingEvent line : lines.list) {
        String text = line.getFormattedMessage();
        for (char c : text.toCharArray()) {
          assertTrue(c >= 0x20 && c < 0x7F, "raw 0x" + Integer.toHexString(c) + " in: " + SafeText.of(text));
        }
      }
    } finally {
      access.detachAppender(lines);
    }
  }

  @Test
  void aScopeOrRoleWithSpacesInsideIsNotSeveralScopesUpstream() throws Exception {
    HttpResponse<Buffer> r = call(rs256(claims().claim("scp", List.of("orders:read admin", "orders:write"))
        .claim("roles", List.of("user admin", "user")).build()));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("orders:write", upstream.lastHeaders.get("gantry-principal-scopes"),
        "a list item holding a space would read as two scopes upstream");
    assertEquals("user", upstream.lastHeaders.get("gantry-principal-roles"));
  }

  @Test
  void aNonAsciiSubjectReachesTheUpstreamUnambiguously() throws Exception {
    // U+0142 (l with stroke) would go out as '?' (Netty writes chars above 0xFF so): "ałice" and "a?ice" one user
    assertEquals(200, call(rs256(claims().subject("a\u0142ice").build())).statusCode());
    String unicode = upstream.lastHeaders.get("gantry-principal");
    assertEquals(200, call(rs256(claims().subject("a?ice").build())).statusCode());
    String ascii = upstream.lastHeaders.get("gantry-principal");
    assertEquals("a?ice", ascii);
    assertFalse(unicode.equals(ascii), "two subjects, one upstream identity: " + unicode);
    assertEquals("a%C5%82ice", unicode, "non-ASCII is percent-encoded as UTF-8");
    assertEquals(200, call(rs256(claims().subject("50%off").build())).statusCode());
    assertEquals("50%25off", upstream.lastHeaders.get("gantry-principal"), "so '%' is encoded too");
  }

  @Test
  void principalHeadersWithUnderscoresOrOddCaseAreNeverForwarded() {
    // CGI, WSGI, Rack and PHP read Gantry_Principal and Gantry-Principal as the same HTTP_GANTRY_PRINCIPAL
    RawHttp.Response r = RawHttp.exchange(gw.gateway.actualPort(), "GET /open/1 HTTP/1.1\r\nHost: h\r\n"
        + "Gantry_Principal: admin\r\nGANTRY-PRINCIPAL-SCOPES: admin\r\ngantry_principal_roles: admin\r\n"
        + "gantry-principal-claims: {\"sub\":\"admin\",\"method\":\"jwt\"}\r\nConnection: close\r\n\r\n");
    assertEquals(200, r.status(), r.body());
    for (String name : upstream.lastHeaders.keySet()) {
      assertFalse(name.replace('_', '-').startsWith("gantry-principal"), "forwarded: " + name);
    }
    JsonObject seen = new JsonObject(r.body());
    assertEquals("/open/1", seen.getString("path"));
  }

  @Test
  void aWebSocketUpgradeWithoutATokenIsChallengedBeforeTheUpstream() {
    RawHttp.Response r = RawHttp.exchange(gw.gateway.actualPort(), "GET /orders/ws HTTP/1.1\r\nHost: h\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n");
    assertEquals(401, r.status(), r.body());
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void headerTricksAreRefusedOrIgnoredNeverA5xx() throws Exception {
    String valid = rs256(claims().build());
    int port = gw.gateway.actualPort();
    Map<String, Integer> requests = new java.util.LinkedHashMap<>();
    requests.put("Authorization: Bearer " + valid + "\r\nAuthorization: Bearer " + valid + "\r\n", 400);
    requests.put("Authorization: bearer " + valid + "\r\n", 200);
    requests.put("Authorization: BEARER    " + valid + "   \r\n", 200);
    requests.put("Authorization: Bearer\t" + valid + "\r\n", 401);
    requests.put("Authorization: Bearer " + valid + ", Basic YTpi\r\n", 401);
    requests.put("Authorization: Basic YTpi, Bearer " + valid + "\r\n", 401);
    requests.put("Authorization: Bearer\r\n", 401);
    requests.put("Authorization: Bearer \r\n", 401);
    requests.put("Authorization:\r\n", 401);
    for (Map.Entry<String, Integer> req : requests.entrySet()) {
      RawHttp.Response r = RawHttp.exchange(port, "GET /orders/1 HTTP/1.1\r\nHost: h\r\n" + req.getKey()
          + "Connection: close\r\n\r\n");
      assertEquals(req.getValue(), r.status(), SafeText.of(req.getKey()) + " -> " + r.body());
    }
  }

  @Test
  void aSlowlorisKeySetEndpointDoesNotHoldRequestsForever(Vertx vertx) throws Exception {
    // Headers at once, then one byte of the key set every second: an idle timeout never fires.
    HttpServer slow = vertx.createHttpServer().requestHandler(req -> {
      req.response().setChunked(true).putHeader("Content-Type", "application/json");
      req.response().write("{\"keys\":[");
      long timer = vertx.setPeriodic(1_000, id -> req.response().write(" "));
      req.connection().closeHandler(v -> vertx.cancelTimer(timer));
    });
    slow.listen(0, "127.0.0.1").await();
    GatewayHarness other = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: slow, match: {path: /slow/**}, upstream: up, policies: [{jwt: {issuer: '" + ISSUER
            + "', jwks-url: 'http://127.0.0.1:" + slow.actualPort() + "/jwks.json'}}]}"), null, null, data);
    try {
      long started = System.currentTimeMillis();
      HttpResponse<Buffer> r = other.client.get("/slow/1").putHeader("Authorization", "Bearer " + rs256(claims().build()))
          .timeout(40_000).send().await();
      long took = System.currentTimeMillis() - started;
      assertEquals(503, r.statusCode(), r.bodyAsString());
      assertTrue(took < 15_000, "answered within the fetch deadline, not when the endpoint stops: " + took + " ms");
      assertNull(r.getHeader("Gantry-Principal"));
    } finally {
      other.stop();
      slow.close().await();
    }
  }
}
