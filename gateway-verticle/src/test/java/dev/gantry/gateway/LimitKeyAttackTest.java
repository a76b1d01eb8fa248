package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Whose counter a request lands in, when the client (or another issuer) picks what it is named. */
@ExtendWith(VertxExtension.class)
class LimitKeyAttackTest {
  static final String TRUSTED = "https://idp.test/";
  static final String PARTNER = "https://partner.test/";
  static final String TRUSTED_SECRET = "the-trusted-issuers-secret-32-bytes-long";
  static final String PARTNER_SECRET = "the-partner-issuers-secret-32-bytes-long";
  private TestUpstream upstream;
  private GatewayHarness gw;
  @TempDir
  Path data;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream, "{id: api, match: {path: /api/**}, upstream: up,"
        + " policies: [{jwt: {issuers: [{issuer: '" + TRUSTED + "', secret: '" + TRUSTED_SECRET + "'}, {issuer: '"
        + PARTNER + "', secret: '" + PARTNER_SECRET + "'}]}}, {rate-limit: {limit: 3, window: 1m, key: principal,"
        + " store: local}}]}"), null, null, data);
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  private static String token(String issuer, String secret, String sub) throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), new JWTClaimsSet.Builder()
        .issuer(issuer).subject(sub).expirationTime(Date.from(now.plusSeconds(300))).build());
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  private int call(String token) {
    return gw.client.get("/api/x").putHeader("Authorization", "Bearer " + token).send().await().statusCode();
  }

  @Test
  void anotherIssuersUserWithTheSameSubjectDoesNotUseUpSomeoneElsesLimit() throws Exception {
    // sub is unique per issuer only (OIDC Core §2): partner's "alice" is not the trusted issuer's
    String mallory = token(PARTNER, PARTNER_SECRET, "alice");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, call(mallory));
    }
    assertEquals(429, call(mallory));
    assertEquals(200, call(token(TRUSTED, TRUSTED_SECRET, "alice")), "alice of the trusted issuer has her own counter");
  }
}
