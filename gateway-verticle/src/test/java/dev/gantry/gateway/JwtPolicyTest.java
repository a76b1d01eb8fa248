package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The jwt policy against real tokens: each refusal the issue lists, and what a passing token carries upstream. */
@ExtendWith(VertxExtension.class)
class JwtPolicyTest {
  static final String ISSUER = "https://idp.test/";
  private TestUpstream upstream;
  private GatewayHarness gw;
  private HttpServer jwksServer;
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private volatile String jwks;
  private RSAKey rsa;
  private ECKey ec;
  private OctetKeyPair ed;
  private KeyPair edPair;
  @TempDir
  Path data;

  @BeforeEach
  void keys(Vertx vertx) throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = edPair.getPublic().getEncoded();
    byte[] x = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    ed = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID("ed-1").build();
    jwks = new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK(), ed)).toString();
    jwksServer = vertx.createHttpServer().requestHandler(req -> {
      jwksFetches.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "max-age=3600").end(jwks);
    });
    jwksServer.listen(0, "127.0.0.1").await();
    upstream = new TestUpstream(vertx, "up").start();
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.stop();
    }
    upstream.stop();
    jwksServer.close().await();
  }

  private void start(Vertx vertx, String jwt) {
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: orders, match: {path: /orders/**}, upstream: up, policies: [{jwt: " + jwt + "}]}"), null, null, data);
  }

  private String jwksUrl() {
    return "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks.json";
  }

  private void startWithJwks(Vertx vertx) {
    start(vertx, "{issuer: '" + ISSUER + "', jwks-url: '" + jwksUrl() + "', audiences: [shop], leeway-seconds: 5, max-token-bytes: 4096}");
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("shop")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).claim("scope", "orders:read orders:write");
  }

  private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private String rs256(JWTClaimsSet claims) throws Exception {
    return sign(new RSASSASigner(rsa), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims);
  }

  private String rs256(Consumer<JWTClaimsSet.Builder> change) throws Exception {
    JWTClaimsSet.Builder b = claims();
    change.accept(b);
    return rs256(b.build());
  }

  private HttpResponse<Buffer> call(String token) {
    return gw.client.get("/orders/1").putHeader("Authorization", "Bearer " + token).send().await();
  }

  private void assertRefused(HttpResponse<Buffer> r) {
    assertEquals(401, r.statusCode(), r.bodyAsString());
    assertEquals("Bearer realm=\"gantry\", error=\"invalid_token\"", r.getHeader("WWW-Authenticate"));
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertFalse(r.bodyAsString().contains("expired") || r.bodyAsString().contains("signature"),
        "the client is not told which check failed: " + r.bodyAsString());
  }

  @Test
  void aValidTokenPassesAndThePrincipalGoesUpstreamWhileAClientsOwnPrincipalHeaderIsDropped(Vertx vertx)
      throws Exception {
    startWithJwks(vertx);
    HttpResponse<Buffer> r = gw.client.get("/orders/1").putHeader("Authorization", "Bearer " + rs256(claims().build()))
        .putHeader("Gantry-Principal", "mallory").putHeader("Gantry-Principal-Scopes", "admin").send().await();
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("alice", upstream.lastHeaders.get("gantry-principal"));
    assertEquals("orders:read orders:write", upstream.lastHeaders.get("gantry-principal-scopes"));
    assertEquals(ISSUER, upstream.lastHeaders.get("gantry-principal-issuer"));
    assertEquals("jwt", upstream.lastHeaders.get("gantry-principal-method"));
  }

  @Test
  void aRequestWithoutATokenGetsAChallengeWithoutAnErrorCode(Vertx vertx) {
    startWithJwks(vertx);
    HttpResponse<Buffer> r = gw.get("/orders/1");
    assertEquals(401, r.statusCode());
    assertEquals("Bearer realm=\"gantry\"", r.getHeader("WWW-Authenticate"));
    HttpResponse<Buffer> spoofed = gw.client.get("/orders/1").putHeader("Gantry-Principal", "admin").send().await();
    assertEquals(401, spoofed.statusCode(), "a principal header is no credential");
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void everyForgedOrStaleTokenIsRefusedAlike(Vertx vertx) throws Exception {
    startWithJwks(vertx);
    Instant now = Instant.now();
    RSAKey other = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    String valid = rs256(claims().build());
    String[] parts = valid.split("\\.");
    String none = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    String tamperedPayload = parts[0] + "." + Base64URL.encode(claims().subject("admin").build().toString()) + "." + parts[2];
    // HS256 signed with the RSA public key's bytes: the classic key-confusion forgery
    String confused = sign(new MACSigner(rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)),
        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
    String crit = sign(new RSASSASigner(rsa), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
        .criticalParams(java.util.Set.of("exp")).build(), claims().build());
    String jku = sign(new RSASSASigner(other), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("x")
        .jwkURL(java.net.URI.create("https://evil.test/jwks")).build(), claims().build());
    String embedded = sign(new RSASSASigner(other), new JWSHeader.Builder(JWSAlgorithm.RS256)
        .jwk(other.toPublicJWK()).build(), claims().build());
    String oversized = rs256(b -> b.claim("pad", "x".repeat(5000)));
    List<String> refused = List.of(
        none,
        sign(new RSASSASigner(other), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims().build()),
        confused,
        rs256(b -> b.expirationTime(Date.from(now.minusSeconds(60)))),
        rs256(b -> b.notBeforeTime(Date.from(now.plusSeconds(120)))),
        rs256(b -> b.issueTime(Date.from(now.plusSeconds(120)))),
        rs256(b -> b.audience("another-api")),
        rs256(b -> b.issuer("https://evil.test/")),
        rs256(b -> b.expirationTime(null)),
        sign(new RSASSASigner(rsa), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("unknown").build(), claims().build()),
        oversized,
        tamperedPayload,
        crit,
        jku,
        embedded,
        "not.a.token",
        valid.substring(0, valid.length() - 4));
    for (int i = 0; i < refused.size(); i++) {
      HttpResponse<Buffer> r = call(refused.get(i));
      assertEquals(401, r.statusCode(), "token " + i + ": " + r.bodyAsString());
      assertRefused(r);
    }
    assertEquals(0, upstream.requests.get(), "no refused token reached the upstream");
    String metrics = gw.registry.scrape();
    for (String reason : List.of("malformed", "signature", "expired", "not-yet-valid", "issued-in-future", "audience",
        "issuer", "no-exp", "unknown-kid", "too-large", "crit", "embedded-key")) {
      assertTrue(metrics.contains("reason=\"" + reason + "\""), reason + " is counted: " + metrics);
    }
  }

  @Test
  void aTokenVerifiedBeforeIsStillRefusedOnceItExpires(Vertx vertx) throws Exception {
    start(vertx, "{issuer: '" + ISSUER + "', jwks-url: '" + jwksUrl() + "', leeway-seconds: 0}");
    String brief = rs256(b -> b.expirationTime(Date.from(Instant.now().plusMillis(1_500))));
    assertEquals(200, call(brief).statusCode());
    assertEquals(200, call(brief).statusCode(), "the second use is answered from the verified-token cache");
    long deadline = System.currentTimeMillis() + 10_000;
    int status;
    do {
      status = call(brief).statusCode();
    } while (status == 200 && System.currentTimeMillis() < deadline);
    assertEquals(401, status, "the cache re-checks exp on every use");
    assertTrue(gw.registry.scrape().contains("reason=\"expired\""), gw.registry.scrape());
  }

  /**
   * The verified-token cache hashes a long token's ends and a sample of its middle: a forgery that
   * keeps those and changes the payload elsewhere lands in the verified token's bin, and must
   * still be verified on its own (and refused), never taken for the token verified before it.
   */
  @Test
  void aForgeryThatDiffersFromAVerifiedTokenOnlyWhereTheCacheHashDoesNotLookIsVerifiedOnItsOwn(Vertx vertx)
      throws Exception {
    startWithJwks(vertx);
    String valid = rs256(b -> b.claim("pad", "x".repeat(900)));
    assertEquals(200, call(valid).statusCode());
    assertEquals(200, call(valid).statusCode(), "cached");
    String[] parts = valid.split("\\.");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
    String forged = null;
    int pad = payload.indexOf("xxxxxxxx");
    for (int at = pad; at < pad + 880 && forged == null; at++) {
      String changed = payload.substring(0, at) + 'y' + payload.substring(at + 1);
      String candidate = parts[0] + "." + Base64URL.encode(changed.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
      if (candidate.length() == valid.length()
          && new dev.gantry.gateway.security.TextKey(candidate).hashCode()
              == new dev.gantry.gateway.security.TextKey(valid).hashCode()) {
        forged = candidate;
      }
    }
    assertTrue(forged != null, "a change the cache's hash does not see");
    int before = upstream.requests.get();
    HttpResponse<Buffer> r = call(forged);
    assertEquals(401, r.statusCode(), r.bodyAsString());
    assertRefused(r);
    assertEquals(before, upstream.requests.get(), "the forgery never reached the upstream");
    assertTrue(gw.registry.scrape().contains("reason=\"signature\""), "refused for its signature");
    assertEquals(200, call(valid).statusCode(), "the verified token still passes");
  }

  @Test
  void tokensWithinTheLeewayPass(Vertx vertx) throws Exception {
    startWithJwks(vertx);
    Instant now = Instant.now();
    assertEquals(200, call(rs256(b -> b.expirationTime(Date.from(now.minusSeconds(2))))).statusCode());
    assertEquals(200, call(rs256(b -> b.notBeforeTime(Date.from(now.plusSeconds(2))))).statusCode());
  }

  @Test
  void eachAllowedAlgorithmVerifiesAndAnAlgorithmTheIssuerDoesNotAllowIsRefused(Vertx vertx) throws Exception {
    start(vertx, "{issuer: '" + ISSUER + "', jwks-url: '" + jwksUrl() + "', algorithms: [RS256, PS256, ES256, EdDSA]}");
    assertEquals(200, call(rs256(claims().build())).statusCode());
    assertEquals(200, call(sign(new RSASSASigner(rsa), new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("rsa-1").build(),
        claims().build())).statusCode());
    assertEquals(200, call(sign(new ECDSASigner(ec), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
        claims().build())).statusCode());
    assertEquals(200, call(ed25519(claims().build())).statusCode(), "EdDSA with the JDK's Ed25519");
    assertRefused(call(sign(new RSASSASigner(rsa), new JWSHeader.Builder(JWSAlgorithm.RS512).keyID("rsa-1").build(),
        claims().build())));
  }

  private String ed25519(JWTClaimsSet claims) throws Exception {
    String signingInput = Base64URL.encode(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed-1")
        .type(JOSEObjectType.JWT).build().toString()) + "." + Base64URL.encode(claims.toString());
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(edPair.getPrivate());
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64URL.encode(signer.sign());
  }

  @Test
  void anHs256IssuerAcceptsItsSecretAndNothingElse(Vertx vertx) throws Exception {
    String secret = "a-shared-secret-of-at-least-32-bytes!";
    start(vertx, "{issuer: '" + ISSUER + "', secret: '" + secret + "'}");
    assertEquals(200, call(sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)),
        new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims().build())).statusCode());
    assertRefused(call(sign(new MACSigner("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)),
        new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims().build())));
    assertRefused(call(rs256(claims().build())));
  }

  @Test
  void theKeySetIsFetchedOnceAndARotatedKeyIsPickedUpWithOneMoreFetch(Vertx vertx) throws Exception {
    start(vertx, "{issuer: '" + ISSUER + "', jwks-url: '" + jwksUrl() + "', unknown-kid-refetch-seconds: 1}");
    for (int i = 0; i < 5; i++) {
      assertEquals(200, call(rs256(claims().build())).statusCode());
    }
    assertEquals(1, jwksFetches.get(), "one fetch, cached as max-age says");
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    jwks = new JWKSet(List.<JWK>of(rsa.toPublicJWK(), rotated.toPublicJWK())).toString();
    String fresh = sign(new RSASSASigner(rotated), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-2").build(),
        claims().build());
    long deadline = System.currentTimeMillis() + 10_000;
    int status;
    do { // the refetch interval (1 s here) counts from the first fetch
      status = call(fresh).statusCode();
    } while (status != 200 && System.currentTimeMillis() < deadline);
    assertEquals(200, status, "the rotated key is accepted without a restart");
    assertEquals(2, jwksFetches.get(), "exactly one more fetch for the unknown kid");
    for (int i = 0; i < 20; i++) {
      call(sign(new RSASSASigner(rotated), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bogus-" + i).build(),
          claims().build()));
    }
    assertTrue(jwksFetches.get() <= 3, "random key ids do not turn into a fetch each: " + jwksFetches.get());
    assertTrue(gw.status().getJsonArray("issuers").getJsonObject(0).getJsonArray("keys").contains("rsa-2"),
        gw.status().encodePrettily());
  }

  @Test
  void aJwksEndpointThatGoesDownKeepsTheCachedKeys(Vertx vertx) throws Exception {
    start(vertx, "{issuer: '" + ISSUER + "', jwks-url: '" + jwksUrl() + "', refresh-seconds: 30}");
    assertEquals(200, call(rs256(claims().build())).statusCode());
    jwksServer.close().await();
    jwksServer = vertx.createHttpServer().requestHandler(req -> req.response().end()); // closed again in stop()
    assertEquals(200, call(rs256(claims().build())).statusCode());
    assertNull(gw.status().getJsonArray("issuers").getJsonObject(0).getString("lastError"));
  }

  @Test
  void theDevKeySignsTokensThatADevIssuerAcceptsAndItsJwksIsServed(Vertx vertx) {
    start(vertx, "{dev: true, audiences: [gantry]}");
    String token = dev.gantry.gateway.auth.DevKeys.in(data).sign("alice", List.of("orders:write"), List.of(), "gantry",
        java.time.Duration.ofMinutes(5));
    assertEquals(200, call(token).statusCode());
    assertEquals("orders:write", upstream.lastHeaders.get("gantry-principal-scopes"));
    HttpResponse<Buffer> keys = gw.admin.get("/.well-known/jwks.json").send().await();
    assertEquals(200, keys.statusCode());
    assertEquals("EC", keys.bodyAsJsonObject().getJsonArray("keys").getJsonObject(0).getString("kty"));
    assertFalse(keys.bodyAsString().contains("\"d\""), "no private part");
  }

  @Test
  void badConfigurationIsRefusedNamingTheField() {
    assertConfigError("{issuer: x}", "jwks-url: give exactly one key source");
    assertConfigError("{issuer: x, jwks-url: 'ftp://x/'}", "jwks-url: must be an http(s) URL");
    assertConfigError("{issuer: x, jwks-url: 'https://x/', algorithms: [none]}", "algorithms[0]: unknown or refused");
    assertConfigError("{issuer: x, jwks-url: 'https://x/', algorithms: [HS256]}", "needs a shared secret");
    assertConfigError("{issuer: x, secret: short}", "secret: an HS256 secret must be at least 32 bytes");
    assertConfigError("{issuer: x, jwks-url: 'https://x/', audience: [a]}", "audience: unknown field");
  }

  private static void assertConfigError(String jwt, String expected) {
    try {
      dev.gantry.gateway.spec.GatewaySpec.fromYaml("routes:\n  - {id: r, match: {path: /r}, upstream: up,"
          + " policies: [{jwt: " + jwt + "}]}\nupstreams:\n  - {name: up, targets: [{url: 'http://127.0.0.1:1'}]}\n");
    } catch (dev.gantry.codecs.ServiceException e) {
      assertTrue(e.detail().contains("routes[0].policies[0].jwt.") && e.detail().contains(expected), e.detail());
      return;
    }
    throw new AssertionError("accepted: " + jwt);
  }
}
