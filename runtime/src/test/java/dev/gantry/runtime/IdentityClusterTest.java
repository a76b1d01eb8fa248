package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Identity across two clustered gateway nodes: the issuer's key set is fetched once for the
 * cluster, a rotated key once more; an API key issued on one node works on the other and a
 * revocation reaches it within a second.
 */
class IdentityClusterTest {
  private static final String ISSUER = "https://idp.test/";
  private Vertx vertx;
  private HttpServer upstream;
  private HttpServer jwksServer;
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile String jwks;
  private RSAKey key;
  private Gantry a;
  private Gantry b;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("principal", req.getHeader("Gantry-Principal")).encode())).listen(0, "127.0.0.1").await();
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    jwks = new JWKSet(key.toPublicJWK()).toString();
    jwksServer = vertx.createHttpServer().requestHandler(req -> {
      fetches.incrementAndGet();
      req.response().putHeader("Cache-Control", "max-age=3600").end(jwks);
    }).listen(0, "127.0.0.1").await();
    Path routes = Files.createTempFile("routes", ".yaml");
    Files.writeString(routes, "upstreams:\n  - {name: up, targets: [{url: 'http://127.0.0.1:" + upstream.actualPort() + "'}]}\n"
        + "routes:\n"
        + "  - {id: jwt, match: {path: /jwt/**}, upstream: up, policies: [{jwt: {issuer: '" + ISSUER + "', jwks-url: "
        + "'http://127.0.0.1:" + jwksServer.actualPort() + "/jwks', unknown-kid-refetch-seconds: 1}}]}\n"
        + "  - {id: keyed, match: {path: /keyed/**}, upstream: up, policies: [{api-key: {}}]}\n");
    String cluster = TestNodes.uniqueCluster("identity");
    Map<String, String> first = TestNodes.onKitBackends(cluster);
    first.put("roles", "gateway");
    first.put("admin.token", "secret-token");
    first.put("admin.port", "0");
    first.put("routes.file", routes.toString());
    a = TestNodes.start(first);
    Map<String, String> second = new HashMap<>(first);
    second.put("cluster.join", "127.0.0.1:" + a.clusterPort());
    b = TestNodes.start(second);
  }

  @AfterEach
  void stop() throws Exception {
    TestNodes.stop(b);
    TestNodes.stop(a);
    vertx.close().await();
  }

  private String token(RSAKey with) throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300))).build());
    jwt.sign(new RSASSASigner(with));
    return jwt.serialize();
  }

  /** Sends the token to both nodes at once, {@code rounds} times; the statuses seen. */
  private List<Integer> both(WebClient onA, WebClient onB, String token, int rounds) {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      List<Future<HttpResponse<Buffer>>> sent = List.of(
          onA.get("/jwt/x").putHeader("Authorization", "Bearer " + token).send(),
          onB.get("/jwt/x").putHeader("Authorization", "Bearer " + token).send());
      Future.all(sent).await();
      sent.forEach(f -> statuses.add(f.result().statusCode()));
    }
    return statuses;
  }

  @Test
  void theClusterFetchesAKeySetOnceAndARotatedKeyOnceMore() throws Exception {
    WebClient onA = WebClient.create(vertx, new WebClientOptions().setDefaultPort(a.httpPort()));
    WebClient onB = WebClient.create(vertx, new WebClientOptions().setDefaultPort(b.httpPort()));
    assertEquals(List.of(200, 200, 200, 200, 200, 200), both(onA, onB, token(key), 3));
    assertEquals(1, fetches.get(), "one fetch for two nodes");

    RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
    jwks = new JWKSet(List.<JWK>of(key.toPublicJWK(), rotated.toPublicJWK())).toString();
    String fresh = token(rotated);
    long deadline = System.currentTimeMillis() + 15_000;
    List<Integer> seen;
    do { // the unknown-kid refetch interval (1 s here) counts from the first fetch
      seen = both(onA, onB, fresh, 1);
    } while (!seen.equals(List.of(200, 200)) && System.currentTimeMillis() < deadline);
    assertEquals(List.of(200, 200), seen, "both nodes accept the rotated key without a restart");
    assertEquals(2, fetches.get(), "exactly one more fetch for the whole cluster");
  }

  @Test
  void anApiKeyIssuedOnOneNodeWorksOnTheOtherUntilItIsRevoked() {
    WebClient adminA = WebClient.create(vertx, new WebClientOptions().setDefaultPort(a.adminPort()));
    WebClient onB = WebClient.create(vertx, new WebClientOptions().setDefaultPort(b.httpPort()));
    JsonObject issued = adminA.post("/admin/api-keys").bearerTokenAuthentication("secret-token")
        .sendJsonObject(new JsonObject().put("consumer", "acme")).await().bodyAsJsonObject();
    String apiKey = issued.getString("key");
    HttpResponse<Buffer> used = onB.get("/keyed/x").putHeader("X-Api-Key", apiKey).send().await();
    assertEquals(200, used.statusCode(), used.bodyAsString());
    assertEquals("acme", used.bodyAsJsonObject().getString("principal"));
    assertEquals(204, adminA.delete("/admin/api-keys/" + issued.getString("id")).bearerTokenAuthentication("secret-token")
        .send().await().statusCode());
    long deadline = System.currentTimeMillis() + 1_000;
    int status;
    do {
      status = onB.get("/keyed/x").putHeader("X-Api-Key", apiKey).send().await().statusCode();
    } while (status != 401 && System.currentTimeMillis() < deadline);
    assertEquals(401, status, "revoked on the other node within a second");
  }
}
