package dev.gantry.gateway.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Keys taken from the authenticated principal, with the local store (no Redis needed to show them). */
@ExtendWith(VertxExtension.class)
class PrincipalKeyTest {
  private PolicyServer server;
  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  private void start(Vertx vertx, String key) {
    server = PolicyServer.start(vertx, new RateLimitType(Clock.systemUTC()), "{\"limit\": 2, \"window\": \"1h\","
        + " \"store\": \"local\", \"key\": \"" + key + "\"}", null, dir);
  }

  @Test
  void aPrincipalKeyCountsEachSubjectAndAnonymousRequestsByAddress(Vertx vertx) {
    start(vertx, "principal");
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "alice").statusCode());
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "alice").statusCode());
    assertEquals(429, server.get("/r/1", "X-Test-Subject", "alice").statusCode());
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "bob").statusCode());
    assertEquals(200, server.get("/r/1").statusCode(), "anonymous: by client address");
  }

  @Test
  void aConsumerKeyCountsEveryUserOfOneConsumerTogether(Vertx vertx) {
    start(vertx, "consumer");
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "alice", "X-Test-Consumer", "acme").statusCode());
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "bob", "X-Test-Consumer", "acme").statusCode());
    assertEquals(429, server.get("/r/1", "X-Test-Subject", "carol", "X-Test-Consumer", "acme").statusCode());
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "dave", "X-Test-Consumer", "globex").statusCode());
  }

  @Test
  void anApiKeyKeyCountsOnlyKeyAuthenticatedSubjects(Vertx vertx) {
    start(vertx, "api-key");
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "key-7", "X-Test-Method", "api-key").statusCode());
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "key-7", "X-Test-Method", "api-key").statusCode());
    assertEquals(429, server.get("/r/1", "X-Test-Subject", "key-7", "X-Test-Method", "api-key").statusCode());
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "key-8", "X-Test-Method", "api-key").statusCode());
    assertEquals(200, server.get("/r/1", "X-Test-Subject", "alice").statusCode(), "a JWT subject: by address");
  }
}
