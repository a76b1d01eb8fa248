package dev.gantry.gateway.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Principal;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limit keys are remembered by the identity of what they come from (a verified token's principal,
 * a connection's address text): one principal object used from two addresses keeps one key where
 * the key is the principal's, and gets each address's own where it is not (a consumer key for a
 * principal without a consumer counts by address). Subjects are remembered per route.
 */
@ExtendWith(VertxExtension.class)
class LimitKeyMemoTest {
  /** One principal object for every request, as the JWT policy's cache of verified tokens hands it out. */
  private static final Principal ALICE = new Principal("alice", "https://idp.test/", List.of(), List.of(), null, "jwt");

  /** The keys each kind gives a request from {@code localAddress}, twice (the second from the memo). */
  private static List<String> keys(Vertx vertx, String localAddress) {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      RouteExchange exchange = new RouteExchange(req, "r", new Envelope("req-1",
          "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", System.currentTimeMillis() + 5_000, "alice", ALICE));
      StringBuilder out = new StringBuilder();
      for (LimitKey key : List.of(new LimitKey(LimitKey.Kind.PRINCIPAL, null), new LimitKey(LimitKey.Kind.CONSUMER, null),
          new LimitKey(LimitKey.Kind.API_KEY, null), new LimitKey(LimitKey.Kind.CLIENT_IP, null))) {
        String first = key.of(exchange);
        // asked again: the very string remembered (asserted on the test's thread, not here)
        out.append(first).append(key.of(exchange) == first ? "" : "(made-again)").append(' ');
      }
      req.response().end(out.toString().strip());
    });
    server.listen(0, "0.0.0.0").await();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setLocalAddress(localAddress));
    try {
      return List.of(client.get(server.actualPort(), "127.0.0.1", "/").send().await().bodyAsString().split(" "));
    } finally {
      client.close();
      server.close().await();
    }
  }

  @Test
  @Timeout(30)
  void oneMemoisedPrincipalFromTwoAddressesKeepsItsKeyAndGetsEachAddresssOwnWhereTheKeyIsTheAddress(Vertx vertx) {
    List<String> one = keys(vertx, "127.0.0.1");
    List<String> two = keys(vertx, "127.0.0.2");
    assertTrue(one.stream().noneMatch(k -> k.endsWith("(made-again)")), () -> "remembered: " + one);
    assertEquals(one.get(0), two.get(0), "principal: the principal's key wherever it calls from");
    assertEquals(List.of("ip:127.0.0.1", "ip:127.0.0.1", "ip:127.0.0.1"), one.subList(1, 4),
        "no consumer, not an API key: counted by address");
    assertEquals(List.of("ip:127.0.0.2", "ip:127.0.0.2", "ip:127.0.0.2"), two.subList(1, 4),
        "and by the other address from the other one, not by the remembered first");
  }

  @Test
  void subjectsAreRememberedPerRoute() {
    LimitPolicy.Subjects subjects = new LimitPolicy.Subjects("rl|");
    String key = "ip:192.0.2.1";
    String a = subjects.of("a", key);
    assertEquals("rl|a|ip:192.0.2.1", a);
    assertSame(a, subjects.of("a", key), "the same string again");
    assertEquals("rl|b|ip:192.0.2.1", subjects.of("b", key));
    assertNotEquals(a, subjects.of("b", new String(key)));
    assertEquals("rl|a|ip:192.0.2.1", subjects.of("a", new String(key)), "an equal key that is another string: made anew");
  }
}
