package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upstream that closes a kept-alive connection as the gateway reuses it (what Node or Apache
 * do to connections idle for 5 s, racing the gateway's next request): idempotent requests are sent
 * once more on a new connection, others fail with 502.
 */
@ExtendWith(VertxExtension.class)
class UpstreamResendTest {
  private HttpServer upstream;
  private GatewayHarness gw;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger closedOnReuse = new AtomicInteger();

  @BeforeEach
  void start(Vertx vertx) {
    Map<HttpConnection, AtomicInteger> perConnection = new ConcurrentHashMap<>();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      received.incrementAndGet();
      int n = perConnection.computeIfAbsent(req.connection(), c -> new AtomicInteger()).incrementAndGet();
      if (n > 1) {
        closedOnReuse.incrementAndGet();
        req.connection().close(); // each connection answers once, then closes when reused
        return;
      }
      req.response().end("answered " + req.method());
    });
    upstream.listen(0, "127.0.0.1").await();
    // one listener: with one per core, the client's request may land on the other event loop,
    // whose own upstream pool holds no reused connection yet, and the POST goes out on a fresh one
    gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: once, targets: [{url: 'http://127.0.0.1:"
        + upstream.actualPort() + "'}]}\nroutes:\n  - {id: r, match: {path: /r/**}, upstream: once}\n", "default", 1);
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.close().await();
  }

  @Test
  void anIdempotentRequestIsSentOnceMoreWhenItsKeptAliveConnectionClosesAndAPostIsNot() {
    for (int i = 1; i <= 4; i++) {
      var get = gw.client.get("/r/x").send().await();
      assertEquals(200, get.statusCode(), "GET " + i + ": " + get.bodyAsString());
      assertEquals("answered GET", get.bodyAsString());
    }
    assertTrue(closedOnReuse.get() >= 1, "kept-alive connections were reused and closed");
    assertEquals(4 + closedOnReuse.get(), received.get(), "each closed reuse was followed by one resend");
    var put = gw.client.put("/r/x").sendBuffer(io.vertx.core.buffer.Buffer.buffer("v")).await();
    assertEquals(200, put.statusCode(), "PUT is idempotent and its small body was read whole");
    var post = gw.client.post("/r/x").sendBuffer(io.vertx.core.buffer.Buffer.buffer("order")).await();
    assertEquals(502, post.statusCode(), "a POST may have been acted on: never sent twice");
    assertEquals("application/problem+json", post.getHeader("Content-Type"));
  }
}
