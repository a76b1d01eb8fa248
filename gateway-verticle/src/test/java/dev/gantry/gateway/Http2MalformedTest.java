package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gantry.gateway.edge.EdgeOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Malformed HTTP/2 requests (RFC 9113 §8.2.1, §8.2.2, §8.3.1), sent with Netty's HTTP/2 codec and
 * header validation off, all on one cleartext connection: each must get RST_STREAM
 * PROTOCOL_ERROR without reaching the upstream, while well-formed streams on the same connection
 * are served.
 */
@ExtendWith(VertxExtension.class)
class Http2MalformedTest {
  private static final long PROTOCOL_ERROR = 0x1;
  private TestUpstream upstream;
  private GatewayHarness gw;
  private EventLoopGroup group;
  private Channel connection;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
            "{id: public, match: {path: /public/**}, upstream: up}"), new EdgeOptions(10_000, 10_000, 500, true));
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().validateHeaders(false).build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        })
        .connect("127.0.0.1", gw.gateway.actualPort()).sync().channel();
  }

  @AfterEach
  void stop() {
    connection.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    gw.stop();
    upstream.stop();
  }

  /** Sends one request on a new stream; the outcome is "status N" or "reset N". */
  private CompletableFuture<String> send(DefaultHttp2Headers headers) throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
        .handler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && h.headers().status() != null) {
              outcome.complete("status " + h.headers().status());
            } else if (msg instanceof Http2ResetFrame r) {
              outcome.complete("reset " + r.errorCode());
            }
            ReferenceCountUtil.release(msg);
          }

          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Http2ResetFrame r) {
              outcome.complete("reset " + r.errorCode()); // the multiplexer hands resets over as events
            }
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            outcome.complete("closed");
          }
        }).open().sync().getNow();
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
    return outcome;
  }

  private static DefaultHttp2Headers get(String path) {
    DefaultHttp2Headers headers = new DefaultHttp2Headers(false);
    headers.method("GET").scheme("http").authority("h").path(path);
    return headers;
  }

  private static DefaultHttp2Headers method(String method) {
    DefaultHttp2Headers headers = get("/public/a");
    headers.method(method);
    return headers;
  }

  @Test
  void connectIsRefusedWith405() throws Exception {
    DefaultHttp2Headers connect = new DefaultHttp2Headers(false);
    connect.method("CONNECT").authority("127.0.0.1:9");
    assertEquals("status 405", send(connect).get(10, TimeUnit.SECONDS));
    assertEquals("status 200", send(get("/public/ok")).get(10, TimeUnit.SECONDS), "the connection goes on");
    assertEquals(1, upstream.requests.get());
  }

  @Test
  void withH2cOnACleartextHttp11ConnectionTakesOneRequestAndNoChunkedBody() {
    int port = gw.gateway.actualPort();
    for (String framing : List.of("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
        "Transfer-Encoding: chunked\r\n\r\n100000005\r\nhello\r\n0\r\n\r\n")) {
      dev.gantry.testkit.RawHttp.Response refused = dev.gantry.testkit.RawHttp.exchange(port,
          "POST /public/a HTTP/1.1\r\nHost: h\r\n" + framing);
      assertEquals(411, refused.status(), framing);
    }
    assertEquals(0, upstream.requests.get());
    try (dev.gantry.testkit.RawHttp http = new dev.gantry.testkit.RawHttp(port, 5_000)) {
      http.send("GET /public/one HTTP/1.1\r\nHost: h\r\n\r\nGET /public/two HTTP/1.1\r\nHost: h\r\n\r\n");
      dev.gantry.testkit.RawHttp.Response one = http.read();
      assertEquals(200, one.status());
      assertEquals("close", one.header("connection"));
      assertEquals(0, http.read().status(), "the second request is not served");
    }
    assertEquals(1, upstream.requests.get());
  }

  @Test
  void malformedStreamsAreResetAndTheirNeighboursServed() throws Exception {
    Map<String, DefaultHttp2Headers> malformed = new LinkedHashMap<>();
    malformed.put("CR LF in a value", (DefaultHttp2Headers) get("/public/a").add("x-a", "a\r\nx-injected: 1"));
    malformed.put("LF in a value", (DefaultHttp2Headers) get("/public/a").add("x-a", "a\nb"));
    malformed.put("NUL in a value", (DefaultHttp2Headers) get("/public/a").add("x-a", "a\u0000b"));
    malformed.put("leading space in a value", (DefaultHttp2Headers) get("/public/a").add("x-a", " a"));
    malformed.put("CR LF in a name", (DefaultHttp2Headers) get("/public/a").add("x-a\r\nx-b", "1"));
    malformed.put("upper case name", (DefaultHttp2Headers) get("/public/a").add("X-Upper", "1"));
    malformed.put("space in a name", (DefaultHttp2Headers) get("/public/a").add("x a", "1"));
    malformed.put("connection header", (DefaultHttp2Headers) get("/public/a").add("connection", "keep-alive"));
    malformed.put("transfer-encoding", (DefaultHttp2Headers) get("/public/a").add("transfer-encoding", "chunked"));
    malformed.put("te other than trailers", (DefaultHttp2Headers) get("/public/a").add("te", "gzip"));
    malformed.put("CR LF in :path", get("/public/a\r\nx-injected: 1"));
    malformed.put("NUL in :path", get("/public/a\u0000b"));
    malformed.put("host differs from :authority", (DefaultHttp2Headers) get("/public/a").add("host", "other"));
    malformed.put("space in :method", method("GET /internal/secret HTTP/1.1"));
    malformed.put("quote in :method", method("G\"E=T"));
    List<String> wrong = new ArrayList<>();
    List<CompletableFuture<String>> good = new ArrayList<>();
    for (Map.Entry<String, DefaultHttp2Headers> c : malformed.entrySet()) {
      good.add(send(get("/public/ok")));
      String outcome = send(c.getValue()).get(10, TimeUnit.SECONDS);
      if (!outcome.equals("reset " + PROTOCOL_ERROR)) {
        wrong.add(c.getKey() + ": " + outcome);
      }
    }
    for (CompletableFuture<String> ok : good) {
      assertEquals("status 200", ok.get(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(), wrong);
    assertEquals(malformed.size(), upstream.requests.get(), "only the well-formed streams reached the upstream");
    assertEquals("h", upstream.lastHeaders.get("host"), "the :authority goes upstream as Host");
    assertEquals("status 400", send(get("/public/%2e%2e/x")).get(10, TimeUnit.SECONDS),
        "a well-formed but refused path is a 400, not a reset");
    assertEquals("status 404", send(get("/public/../internal")).get(10, TimeUnit.SECONDS),
        ":path is normalised like any request target");
  }
}
