package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the relay of an upstream's answer keeps: its reason phrase, and the pace of its body — a
 * part of a body whose Content-Length says more is coming reaches the client before the rest.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayDetailsTest {
  private static final byte[] BIG = new byte[1 << 20];
  private HttpServer upstream;
  private HttpServer h2Upstream;
  private GatewayHarness gw;
  private HttpClient client;
  /** Completed by the test once the client has seen the first part of a paced body. */
  private volatile Promise<Void> firstSeen;

  static {
    new Random(7).nextBytes(BIG);
  }

  @BeforeEach
  void start(Vertx vertx) {
    io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> answers = req -> {
      HttpServerResponse out = req.response();
      switch (req.path()) {
        case "/custom" -> out.setStatusCode(200).setStatusMessage("Fine Thanks").end("x");
        case "/standard" -> out.setStatusCode(404).end("gone");
        case "/big" -> {
          out.putHeader("Content-Length", Integer.toString(BIG.length));
          for (int at = 0; at < BIG.length; at += 100_000) {
            out.write(Buffer.buffer(java.util.Arrays.copyOfRange(BIG, at, Math.min(BIG.length, at + 100_000))));
          }
          out.end();
        }
        case "/paced-full" -> {
          // all the declared bytes now, the end of the message later (over HTTP/2 an empty DATA
          // frame with END_STREAM): the bytes are the client's at once
          out.putHeader("Content-Length", "5");
          out.write("hello");
          firstSeen.future().onComplete(v -> out.end());
        }
        case "/paced-length", "/paced-chunked" -> {
          if (req.path().endsWith("length")) {
            out.putHeader("Content-Length", "10");
          } else {
            out.setChunked(true);
          }
          out.write("hello");
          // the rest only once the client has the first part: held back by the gateway, it never would
          firstSeen.future().onComplete(v -> out.end("world"));
        }
        default -> out.setStatusCode(500).end();
      }
    };
    upstream = vertx.createHttpServer().requestHandler(answers).listen(0, "127.0.0.1").await();
    h2Upstream = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(true))
        .requestHandler(answers).listen(0, "127.0.0.1").await();
    gw = GatewayHarness.start(vertx, """
        upstreams:
          - {name: up, targets: [{url: 'http://127.0.0.1:%d'}]}
          - {name: h2, protocol: h2, targets: [{url: 'http://127.0.0.1:%d'}]}
        routes:
          - {id: up, match: {path: /up/**}, upstream: up, rewrite: /}
          - {id: h2, match: {path: /h2/**}, upstream: h2, rewrite: /}
        """.formatted(upstream.actualPort(), h2Upstream.actualPort()));
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    client.close().await();
    gw.stop();
    upstream.close().await();
    h2Upstream.close().await();
  }

  /** The response, paused as its head arrived: the test thread sets its handlers, then reads. */
  private HttpClientResponse get(String path) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setPort(gw.gateway.actualPort())
        .setHost("127.0.0.1").setURI(path)).compose(r -> r.send()).map(r -> {
          r.pause();
          return r;
        }).await();
  }

  private static Buffer body(HttpClientResponse r) {
    io.vertx.core.Future<Buffer> body = r.body();
    r.resume();
    return body.await();
  }

  @Test
  void anUpstreamsOwnReasonPhraseIsRelayedAndAStandardOneStaysStandard() {
    HttpClientResponse custom = get("/up/custom");
    assertEquals(200, custom.statusCode());
    assertEquals("Fine Thanks", custom.statusMessage());
    assertEquals("x", body(custom).toString());
    HttpClientResponse standard = get("/up/standard");
    assertEquals(404, standard.statusCode());
    assertEquals("Not Found", standard.statusMessage());
    assertEquals("gone", body(standard).toString());
  }

  @Test
  void aLargeBodyWithItsLengthArrivesWhole() {
    for (int i = 0; i < 4; i++) {
      HttpClientResponse r = get(i % 2 == 0 ? "/up/big" : "/h2/big");
      assertEquals(Integer.toString(BIG.length), r.getHeader("Content-Length"));
      assertArrayEquals(BIG, body(r).getBytes());
    }
  }

  @Test
  void thePartOfABodyThatCameGoesOnBeforeTheRestWithOrWithoutALength() throws Exception {
    for (String path : new String[] {"/up/paced-length", "/up/paced-chunked", "/up/paced-full", "/h2/paced-length",
        "/h2/paced-chunked", "/h2/paced-full"}) {
      firstSeen = Promise.promise();
      HttpClientResponse r = get(path);
      Buffer seen = Buffer.buffer();
      Promise<Buffer> whole = Promise.promise();
      r.handler(chunk -> {
        seen.appendBuffer(chunk);
        if (seen.length() >= 5) {
          firstSeen.tryComplete();
        }
      });
      r.endHandler(v -> whole.complete(seen));
      r.resume();
      assertEquals(path.endsWith("full") ? "hello" : "helloworld", whole.future().await(10, TimeUnit.SECONDS).toString(),
          path);
    }
  }
}
