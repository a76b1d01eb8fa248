package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.gateway.edge.Http2Limits;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 floods against a listener with h2c on (prior knowledge), sent frame by frame: Rapid Reset
 * (HEADERS then RST_STREAM, again and again), a header block continued forever, empty CONTINUATION
 * frames forever, more streams than allowed, a header list over the limit. A flooding connection
 * is closed with GOAWAY after a bounded number of bytes, and the listener serves others throughout.
 */
@ExtendWith(VertxExtension.class)
class Http2FloodTest {
  private static final Http2Limits LIMITS = new Http2Limits(20, 8_192, 100, 30);
  private static final long ENHANCE_YOUR_CALM = 0xB;
  private static final int REFUSED_STREAM = 0x7;
  private TestUpstream upstream;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
        "{id: public, match: {path: /public/**}, upstream: up}"),
        new EdgeOptions(10_000, 10_000, 500, true).withHttp2(LIMITS));
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  /**
   * Reads frames on another thread until the server closes; completes with the GOAWAY's error code
   * (-1: none). Response HEADERS are decoded in order (HPACK's table is the connection's) into
   * {@code outcomes}: stream → status, or "reset".
   */
  private static CompletableFuture<Long> goAway(RawH2 h2, List<RawH2.Frame> seen,
      java.util.Map<Integer, String> outcomes) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder decoder =
        new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder(false);
    Thread reader = new Thread(() -> {
      long code = -1;
      try {
        while (true) {
          RawH2.Frame f = h2.read();
          synchronized (seen) {
            seen.add(f);
          }
          if (f.type() == RawH2.GOAWAY) {
            code = f.errorCode();
          } else if (f.type() == RawH2.RST_STREAM) {
            outcomes.putIfAbsent(f.stream(), "reset");
          } else if (f.type() == RawH2.HEADERS) {
            io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(f.payload());
            int pad = (f.flags() & 0x8) != 0 ? buf.readUnsignedByte() : 0; // PADDED
            if ((f.flags() & 0x20) != 0) {
              buf.skipBytes(5); // PRIORITY: dependency and weight before the block
            }
            buf.writerIndex(buf.writerIndex() - pad);
            try {
              CharSequence status = decoder.decodeHeaders(f.stream(), buf).status();
              if (status != null) {
                outcomes.putIfAbsent(f.stream(), status.toString());
              }
            } catch (Exception e) {
              outcomes.putIfAbsent(f.stream(), "undecodable");
            } finally {
              buf.release();
            }
          }
        }
      } catch (IOException e) {
        result.complete(code); // the end of the connection
      }
    }, "h2-reader");
    reader.setDaemon(true);
    reader.start();
    return result;
  }

  static CompletableFuture<Long> goAway(RawH2 h2, List<RawH2.Frame> seen) {
    return goAway(h2, seen, new java.util.concurrent.ConcurrentHashMap<>());
  }

  private void assertStillServes(Vertx vertx) {
    HttpClient h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      int status = h2c.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(gw.gateway.actualPort()).setURI("/public/ok"))
          .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode()))).await();
      assertEquals(200, status);
    } finally {
      h2c.close().await();
    }
  }

  @Test
  void anHttp2GetGoesUpstreamWithoutABodyAndAPostWithItsOwn(Vertx vertx) {
    HttpClient h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(gw.gateway.actualPort()).setURI("/public/get");
      assertEquals(200, h2c.request(get).compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
          .await());
      assertEquals(null, upstream.lastHeaders.get("transfer-encoding"), "a GET ended with its headers has no body");
      assertEquals(null, upstream.lastHeaders.get("content-length"));
      RequestOptions post = new RequestOptions(get).setMethod(HttpMethod.POST).setURI("/public/post");
      assertEquals(200, h2c.request(post).compose(r -> r.send(io.vertx.core.buffer.Buffer.buffer("0123456789"))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))).await());
      assertEquals(10, upstream.bodyBytes.get());
    } finally {
      h2c.close().await();
    }
  }

  @Test
  void rapidResetClosesTheConnectionWithEnhanceYourCalm(Vertx vertx) throws Exception {
    // five times the allowance of HEADERS + RST_STREAM pairs, then silence: a server that does not
    // count them would keep the connection open, and the read would give up after 20 s
    try (RawH2 h2 = new RawH2(gw.gateway.actualPort())) {
      CompletableFuture<Long> closed = goAway(h2, new ArrayList<>());
      try {
        for (int i = 0; i < 5 * LIMITS.maxResetsPerWindow() && !closed.isDone(); i++) {
          int stream = 1 + 2 * i;
          h2.write(RawH2.HEADERS, RawH2.END_HEADERS, stream, h2.block(stream, RawH2.get("/public/r" + stream)));
          h2.rst(stream, 0x8); // CANCEL
          if (i % 50 == 0) {
            h2.flush();
          }
        }
        h2.flush();
      } catch (IOException e) {
        // the server closed the connection while we were still writing
      }
      assertEquals(ENHANCE_YOUR_CALM, closed.get(30, TimeUnit.SECONDS));
    }
    assertTrue(upstream.requests.get() <= LIMITS.maxResetsPerWindow() + LIMITS.maxConcurrentStreams(),
        "streams reached the upstream: " + upstream.requests.get());
    assertStillServes(vertx);
  }

  @Test
  void aHeaderBlockContinuedForeverClosesTheConnection(Vertx vertx) throws Exception {
    // 1,000-byte fragments: three times the header list limit, then silence. A server still
    // gathering the block would wait for END_HEADERS; this one must have given up on its own.
    long code = continuation(1_000, 3 * LIMITS.maxHeaderListBytes() / 1_000);
    assertTrue(code >= 0, "the connection must end with GOAWAY, got " + code);
    assertStillServes(vertx);
  }

  @Test
  void emptyContinuationFramesForeverCloseTheConnection(Vertx vertx) throws Exception {
    // empty fragments add no bytes to the block: only counting the frames stops them
    assertEquals(ENHANCE_YOUR_CALM, continuation(0, 10_000));
    assertStillServes(vertx);
  }

  /**
   * A HEADERS frame without END_HEADERS, then {@code frames} CONTINUATION frames of {@code size}
   * bytes (fewer if the server closes first), then nothing: the GOAWAY's error code, -1 when the
   * connection ended without one. A server still waiting for the block's end after that would
   * leave the connection open, and the read gives up after 20 s.
   */
  private long continuation(int size, int frames) throws Exception {
    try (RawH2 h2 = new RawH2(gw.gateway.actualPort())) {
      CompletableFuture<Long> closed = goAway(h2, new ArrayList<>());
      byte[] more = new byte[size];
      java.util.Arrays.fill(more, (byte) 'a');
      try {
        h2.write(RawH2.HEADERS, 0, 1, h2.block(1, RawH2.get("/public/c")));
        for (int i = 0; i < frames && !closed.isDone(); i++) {
          h2.write(RawH2.CONTINUATION, 0, 1, more);
          if (i % 64 == 0) {
            h2.flush();
          }
        }
        h2.flush();
      } catch (IOException e) {
        // closed while writing
      }
      return closed.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void streamsOverTheLimitAreRefusedAndTheRestServed(Vertx vertx) throws Exception {
    Promise<Void> release = upstream.holdAnswers();
    List<RawH2.Frame> seen = new ArrayList<>();
    try (RawH2 h2 = new RawH2(gw.gateway.actualPort())) {
      CompletableFuture<Long> closed = goAway(h2, seen);
      int streams = LIMITS.maxConcurrentStreams() + 5;
      for (int i = 0; i < streams; i++) {
        int stream = 1 + 2 * i;
        h2.write(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, stream, h2.block(stream, RawH2.get("/public/s" + i)));
      }
      h2.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (refused(seen) < 5 && System.nanoTime() < deadline && !closed.isDone()) {
        vertx.timer(20, TimeUnit.MILLISECONDS).await();
      }
      assertEquals(5, refused(seen), "streams past the limit get RST_STREAM REFUSED_STREAM");
      release.complete();
      while (answered(seen) < LIMITS.maxConcurrentStreams() && System.nanoTime() < deadline && !closed.isDone()) {
        vertx.timer(20, TimeUnit.MILLISECONDS).await();
      }
      assertEquals(LIMITS.maxConcurrentStreams(), answered(seen));
    }
  }

  private static String framesOf(List<RawH2.Frame> seen) {
    synchronized (seen) {
      return seen.stream().map(f -> f.type() + "/" + f.flags() + "@" + f.stream() + "(" + f.payload().length + ")").toList().toString();
    }
  }

  private static int refused(List<RawH2.Frame> seen) {
    synchronized (seen) {
      return (int) seen.stream().filter(f -> f.type() == RawH2.RST_STREAM && f.errorCode() == REFUSED_STREAM).count();
    }
  }

  private static int answered(List<RawH2.Frame> seen) {
    synchronized (seen) {
      return (int) seen.stream().filter(f -> f.type() == RawH2.HEADERS).map(RawH2.Frame::stream).distinct().count();
    }
  }

  @Test
  void aHeaderListOverTheLimitIsRefusedAndTheConnectionServesOn(Vertx vertx) throws Exception {
    java.util.Map<Integer, String> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    try (RawH2 h2 = new RawH2(gw.gateway.actualPort())) {
      List<RawH2.Frame> seen = new ArrayList<>();
      CompletableFuture<Long> closed = goAway(h2, seen, outcomes);
      byte[] big = h2.block(1, RawH2.get("/public/big").add("x-big", "v".repeat(9_000)));
      h2.write(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, big);
      h2.write(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 3, h2.block(3, RawH2.get("/public/small")));
      h2.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (outcomes.get(3) == null && System.nanoTime() < deadline && !closed.isDone()) {
        vertx.timer(20, TimeUnit.MILLISECONDS).await();
      }
      String first = outcomes.get(1);
      assertTrue("431".equals(first) || "reset".equals(first), "stream 1: " + first + ", all: " + outcomes);
      assertEquals("200", outcomes.get(3), "all: " + outcomes + ", frames " + framesOf(seen));
    }
    assertTrue(upstream.seen.stream().noneMatch(s -> s.contains("/public/big")));
  }
}
