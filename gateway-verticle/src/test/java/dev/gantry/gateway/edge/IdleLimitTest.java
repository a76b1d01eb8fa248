package dev.gantry.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.observe.RecentRequests;
import dev.gantry.gateway.observe.RequestObserver;
import dev.gantry.testkit.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server's idle limit on HTTP/1.x connections is kept by the connection watch, not by Netty's
 * idle handler (which reads the clock per read and makes every write's promise a real one): the
 * handler leaves the pipeline, and a connection where nothing moves is still closed at the limit,
 * while one where bytes keep moving is not. Limits here: 600 ms idle, 10 s for headers and bodies.
 */
@ExtendWith(VertxExtension.class)
class IdleLimitTest {
  private static final long IDLE_MILLIS = 600;

  /** A listener with the edge guard in front of {@code handler}; its port. */
  private static int listen(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler,
      CompletableFuture<Boolean> nettyIdle) {
    return listen(vertx, options, new EdgeOptions(10_000, 10_000, 500, false), handler, nettyIdle, new CompletableFuture<>());
  }

  private static int listen(Vertx vertx, HttpServerOptions options, EdgeOptions edge,
      Handler<HttpServerRequest> handler, CompletableFuture<Boolean> nettyIdle, CompletableFuture<Void> closed) {
    HttpServer[] server = new HttpServer[1];
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        EdgeGuard guard = new EdgeGuard(vertx, edge, options,
            new RequestObserver(new SimpleMeterRegistry(), new RecentRequests()), new ClientConnections(), handler);
        guard.start();
        server[0] = vertx.createHttpServer(options).connectionHandler(connection -> {
          guard.connection(connection);
          // looked at now: a closed channel's pipeline is emptied
          ChannelPipeline pipeline = ((ConnectionBase) connection).channel().pipeline();
          nettyIdle.complete(pipeline.get(IdleStateHandler.class) != null);
          connection.closeHandler(v -> closed.complete(null));
        }).invalidRequestHandler(guard::invalid);
        return server[0].requestHandler(guard::handle).listen(0, "127.0.0.1");
      }
    }).await();
    return server[0].actualPort();
  }

  private static HttpServerOptions idle(long millis) {
    return new HttpServerOptions().setHttp2ClearTextEnabled(false).setIdleTimeout((int) millis)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  @Test
  void aConnectionWhereNothingMovesIsClosedAtTheIdleLimitWithoutNettysHandler(Vertx vertx) throws Exception {
    CompletableFuture<Boolean> nettyIdle = new CompletableFuture<>();
    int port = listen(vertx, idle(IDLE_MILLIS), request -> { /* never answered */ }, nettyIdle);
    try (RawHttp http = new RawHttp(port, 10_000)) {
      long sent = System.nanoTime();
      http.send("GET /stuck HTTP/1.1\r\nHost: h\r\n\r\n");
      // answering, so the header clock is off: only the idle limit can end it
      assertEquals(0, http.read().status(), "closed without an answer");
      long millis = (System.nanoTime() - sent) / 1_000_000;
      assertTrue(millis >= IDLE_MILLIS, "not before the idle limit: " + millis + " ms");
      assertTrue(millis < 5_000, "at the idle limit, give or take a sweep: " + millis + " ms");
    }
    assertFalse(nettyIdle.get(10, TimeUnit.SECONDS), "Netty's idle handler is out of the HTTP/1.x pipeline");
  }

  @Test
  void aResponseThatKeepsMovingOutlivesTheIdleLimit(Vertx vertx) {
    long parts = 8;
    long every = IDLE_MILLIS / 3;
    int port = listen(vertx, idle(IDLE_MILLIS), request -> {
      request.response().setChunked(true);
      long[] sent = {0};
      vertx.setPeriodic(every, id -> {
        if (++sent[0] == parts) {
          vertx.cancelTimer(id);
          request.response().end("end");
        } else {
          request.response().write("part" + sent[0] + ";");
        }
      });
    }, new CompletableFuture<>());
    try (RawHttp http = new RawHttp(port, 10_000)) {
      long start = System.nanoTime();
      RawHttp.Response response = http.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n").read();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, response.status());
      assertEquals("part1;part2;part3;part4;part5;part6;part7;end", response.body());
      assertTrue(millis > 2 * IDLE_MILLIS, "the response took longer than the idle limit: " + millis + " ms");
      // still open: the next request on it is served
      assertEquals("part1;part2;part3;part4;part5;part6;part7;end",
          http.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n").read().body());
    }
  }

  @Test
  void anUploadThatKeepsMovingOutlivesTheIdleLimit(Vertx vertx) throws Exception {
    int port = listen(vertx, idle(IDLE_MILLIS), request -> request.body()
        .onSuccess(body -> request.response().end("got " + body.length())), new CompletableFuture<>());
    try (RawHttp http = new RawHttp(port, 10_000)) {
      http.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n");
      for (int i = 0; i < 8; i++) {
        http.send("x");
        vertx.timer(IDLE_MILLIS / 3).await(); // a byte every 200 ms for 1.6 s
      }
      RawHttp.Response response = http.read();
      assertEquals(200, response.status());
      assertEquals("got 8", response.body());
    }
  }

  @Test
  void aConnectionWhose408CannotGetOutIsStillClosedAtTheIdleLimit(Vertx vertx) throws Exception {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    // 16 MB answered to a client that reads none of it: most of it waits in the gateway
    int port = listen(vertx, idle(IDLE_MILLIS), new EdgeOptions(300, 10_000, 500, false),
        request -> request.response().end(io.vertx.core.buffer.Buffer.buffer(new byte[16 << 20])),
        new CompletableFuture<>(), closed);
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      vertx.timer(300).await(); // answered (as far as the gateway is concerned)
      socket.getOutputStream().write('G'); // the next request's first byte: the header clock runs
      // its 408 is queued behind the unread answer and never goes out; the idle limit closes it
      closed.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void readOrWriteOnlyLimitsStayWithNetty(Vertx vertx) throws Exception {
    CompletableFuture<Boolean> nettyIdle = new CompletableFuture<>();
    int port = listen(vertx, idle(IDLE_MILLIS).setReadIdleTimeout(5_000), request -> request.response().end("ok"), nettyIdle);
    try (RawHttp http = new RawHttp(port, 10_000)) {
      assertEquals(200, http.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
    }
    assertTrue(nettyIdle.get(10, TimeUnit.SECONDS), "a read-only limit is not one the watch keeps");
  }
}
