package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bodies held whole (here for the WAF) count against one budget per node: a burst of large
 * bodies from many clients is refused past it, instead of all being held at once.
 */
@ExtendWith(VertxExtension.class)
class HeldBodiesTest {
  private static final int HALF = 500_000;
  private TestUpstream up;
  private GatewayHarness gw;

  @AfterEach
  void stop() {
    gw.close();
    up.stop();
  }

  private static String post(int length) {
    return "POST /inspected/a HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: " + length + "\r\n\r\n";
  }

  @Test
  void aBodyThatWouldPassTheNodesBudgetIsRefusedWith503AndTheBudgetComesBackWhenBodiesEnd(Vertx vertx) {
    up = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(up,
            "{id: inspected, match: {path: /inspected/**}, upstream: up, policies: [{waf: {inspect-body-bytes: 1048576}}]}"),
        EdgeOptions.defaults().withMaxHeldBodyBytes(2_020_000));
    String half = "a".repeat(HALF);
    String small = "b".repeat(1_040_000); // under the WAF's 1 MiB, over what the budget has left
    try (RawHttp declarer = new RawHttp(gw.gateway.actualPort(), 30_000);
        RawHttp first = new RawHttp(gw.gateway.actualPort(), 30_000);
        RawHttp second = new RawHttp(gw.gateway.actualPort(), 30_000)) {
      // a length only declared takes nothing: were it taken, the second body below would not fit
      declarer.send(post(2 * HALF));
      // two slow clients each hold half of a 1 MB body: 1 MB of the 2.02 MB budget, which both whole fit
      first.send(post(2 * HALF) + half);
      second.send(post(2 * HALF) + half);
      Poll.until(vertx, Duration.ofSeconds(30), "both halves held", () -> gw.gateway.heldBodyBytes() == 2 * HALF);
      RawHttp.Response refused = RawHttp.exchange(gw.gateway.actualPort(), post(small.length()) + small);
      assertEquals(503, refused.status(), refused.body());
      assertTrue(refused.isProblem(), refused.body());
      first.send(half);
      second.send(half);
      assertEquals(200, first.read().status(), "the bodies already held are served");
      assertEquals(200, second.read().status());
    }
    RawHttp.Response after = RawHttp.exchange(gw.gateway.actualPort(), post(small.length()) + small);
    assertEquals(200, after.status(), "the budget came back: " + after.body());
  }
}
