package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.testkit.RawHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client-side time limits, apart from the upstream's: headers that never finish and bodies that
 * trickle get 408 and a closed connection, whatever the route, and never a 504 blaming the
 * upstream. Limits are set short here (300 ms) so the tests wait for the gateway's own verdict.
 */
@ExtendWith(VertxExtension.class)
class SlowClientTest {
  private TestUpstream upstream;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
            "{id: public, match: {path: /public/**}, upstream: up}",
            "{id: short, match: {path: /short/**}, upstream: up, timeout-ms: 300}",
            "{id: svc, match: {path: /svc/**}, service: echo}"), new EdgeOptions(300, 300, 1_000, false));
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  private int port() {
    return gw.gateway.actualPort();
  }

  @Test
  void headersThatNeverEndGet408AndTheConnectionCloses() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("GET /public/a HTTP/1.1\r\nHost: h\r\nX-Slow: 1\r\n");
      RawHttp.Response response = http.read();
      assertEquals(408, response.status());
      assertTrue(response.isProblem());
      assertTrue(http.closedByServer());
    }
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void anIdleConnectionIsClosedWithoutAnAnswer() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      assertEquals(0, http.read().status(), "closed, nothing written");
    }
  }

  @Test
  void aKeptAliveConnectionGetsTheHeaderLimitAgainAfterEachResponse() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      assertEquals(200, http.send("GET /public/a HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
      assertEquals(200, http.send("GET /public/b HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
      http.send("GET /public/c HTTP/1.1\r\n");
      assertEquals(408, http.read().status());
    }
  }

  @Test
  void anAnsweredConnectionIdlesUpToTheKeepAliveLimitThenItsNextRequestGetsTheHeaderLimit(Vertx vertx) {
    gw.stop();
    // header limit 300 ms, keep-alive 3 s: a client pool reusing a connection it has not used for a
    // while must not find it closed under it at the header limit
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: public, match: {path: /public/**}, upstream: up}"), new EdgeOptions(300, 300, 1_000, false).withKeepAlive(3_000));
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      assertEquals(200, http.send("GET /public/a HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
      vertx.timer(900).await(); // idle three header limits: still open
      assertEquals(200, http.send("GET /public/b HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
      vertx.timer(900).await();
      long began = System.nanoTime();
      http.send("GET /public/c HTTP/1.1\r\n"); // the next request's first bytes start its header clock
      RawHttp.Response late = http.read();
      long waitedMillis = (System.nanoTime() - began) / 1_000_000;
      assertEquals(408, late.status());
      assertTrue(waitedMillis >= 250, "408 only once the header limit passed from the request's first byte: "
          + waitedMillis + " ms");
      assertTrue(http.closedByServer());
    }
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      assertEquals(200, http.send("GET /public/d HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
      long answered = System.nanoTime();
      assertEquals(0, http.read().status(), "closed without a word once the keep-alive limit passed");
      long idleMillis = (System.nanoTime() - answered) / 1_000_000;
      assertTrue(idleMillis >= 2_900, "kept alive for the keep-alive limit, not the header limit: " + idleMillis + " ms");
    }
    try (RawHttp fresh = new RawHttp(port(), 10_000)) {
      long opened = System.nanoTime();
      assertEquals(0, fresh.read().status(), "a connection that never sent a byte: closed at the header limit");
      assertTrue((System.nanoTime() - opened) / 1_000_000 < 2_500, "not kept alive: it was never answered");
    }
  }

  @Test
  void aTricklingBodyOnAProxyRouteGets408NotA504() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("POST /public/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nx");
      RawHttp.Response response = http.read();
      assertEquals(408, response.status(), response.body());
      assertTrue(response.isProblem());
      assertTrue(http.closedByServer());
    }
  }

  @Test
  void aTricklingChunkedBodyOnAProxyRouteGets408() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("POST /public/upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n");
      RawHttp.Response response = http.read();
      assertEquals(408, response.status(), response.body());
      assertTrue(http.closedByServer());
    }
  }

  @Test
  void aTricklingBodyOnAServiceRouteGets408() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("POST /svc/orders HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      RawHttp.Response response = http.read();
      assertEquals(408, response.status(), response.body());
      assertTrue(http.closedByServer());
    }
  }

  @Test
  void aBodyStillArrivingWhenTheRoutesDeadlinePassesIsTheClientsFault() {
    gw.stop();
    gw = GatewayHarness.start(gw.vertx, GatewayHarness.routesTo(upstream,
            "{id: short, match: {path: /short/**}, upstream: up, timeout-ms: 300}"), new EdgeOptions(300, 60_000, 1, false));
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("POST /short/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nx");
      RawHttp.Response response = http.read();
      assertEquals(408, response.status(), response.body());
      assertTrue(http.closedByServer());
    }
  }

  @Test
  void aWebSocketTunnelIsNotCutByTheHeaderClock(Vertx vertx) throws Exception {
    io.vertx.core.http.HttpServer echo = vertx.createHttpServer()
        .webSocketHandler(ws -> ws.handler(buf -> ws.writeTextMessage("echo:" + buf)))
        .listen(0, "127.0.0.1").await();
    gw.stop();
    gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: ws, targets: [{url: 'http://127.0.0.1:" + echo.actualPort()
        + "'}]}\nroutes:\n  - {id: ws, match: {path: /ws/**}, upstream: ws}\n", new EdgeOptions(200, 200, 1_000, false));
    io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient();
    try {
      io.vertx.core.http.WebSocket socket = client.connect(gw.gateway.actualPort(), "127.0.0.1", "/ws/chat").await();
      java.util.concurrent.LinkedBlockingQueue<String> replies = new java.util.concurrent.LinkedBlockingQueue<>();
      socket.textMessageHandler(replies::add);
      // Messages keep going for five times the header limit: the sweep runs many times meanwhile.
      for (int i = 0; i < 10; i++) {
        io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
        vertx.setTimer(100, id -> later.complete());
        later.future().await();
        socket.writeTextMessage("m" + i).await();
        assertEquals("echo:m" + i, replies.poll(5, java.util.concurrent.TimeUnit.SECONDS));
      }
      socket.close().await();
    } finally {
      client.close().await();
      echo.close().await();
    }
  }

  @Test
  void aRequestAnsweredBeforeItsBodyIsReadClosesItsConnectionInsteadOfReadingTheBodyAsHeaders() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("POST /public/big HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\nx");
      RawHttp.Response response = http.read();
      assertEquals(413, response.status());
      assertEquals("close", response.header("connection"));
      assertTrue(http.closedByServer(), "closed after the answer, no second (408) answer later");
    }
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("POST /nowhere HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\nx");
      assertEquals(404, http.read().status());
      assertTrue(http.closedByServer());
    }
  }

  @Test
  void aTricklingBodyIsCutWhileIdleConnectionsTimeOutInEverySweep(Vertx vertx) throws Exception {
    gw.stop();
    // Limits of 1.2 s are swept every 60 ms: a new idle connection every 5 ms puts about a dozen
    // past the header limit in every sweep.
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: public, match: {path: /public/**}, upstream: up}"), new EdgeOptions(1_200, 1_200, 1_000, false));
    // Closing an idle connection used to throw out of the sweep, which then never looked at bodies.
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    NetClient net = vertx.createNetClient();
    long idlers = -1;
    try {
      // Connections that never send a byte, from before the body starts until it is answered.
      Promise<Void> firstClosed = Promise.promise();
      net.connect(port(), "127.0.0.1").await().closeHandler(v -> firstClosed.tryComplete());
      idlers = vertx.setPeriodic(5, id -> net.connect(port(), "127.0.0.1"));
      firstClosed.future().await(10, TimeUnit.SECONDS);

      NetSocket slow = net.connect(port(), "127.0.0.1").await();
      Promise<String> answered = Promise.promise();
      slow.handler(bytes -> answered.tryComplete(bytes.toString(StandardCharsets.ISO_8859_1)));
      slow.write("POST /public/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nx").await();
      String head = answered.future().await(10, TimeUnit.SECONDS);
      assertTrue(head.startsWith("HTTP/1.1 408 "), head);
      assertTrue(unhandled.isEmpty(), () -> "a sweep failed: " + unhandled);
    } finally {
      vertx.cancelTimer(idlers);
      net.close().await();
    }
  }

  @Test
  void aBodyThatKeepsTheRateIsServed() {
    try (RawHttp http = new RawHttp(port(), 10_000)) {
      http.send("POST /public/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789");
      assertEquals(200, http.read().status());
    }
  }
}
