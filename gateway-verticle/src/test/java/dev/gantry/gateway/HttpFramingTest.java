package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RFC 9112 framing, header syntax and Host at the edge, over raw sockets. The upstream counts what
 * reaches it: an ambiguous request must never arrive, and bytes smuggled behind one must never
 * become a request of their own.
 */
@ExtendWith(VertxExtension.class)
class HttpFramingTest {
  private static final String SMUGGLED = "GET /public/smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
  private TestUpstream upstream;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
            "{id: public, match: {path: /public/**}, upstream: up}",
            "{id: inspected, match: {path: /inspected/**}, upstream: up, policies: [{waf: {}}]}"));
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  private int port() {
    return gw.gateway.actualPort();
  }

  /** Sends the request; expects one refusal with {@code status}, a closed connection and no upstream call. */
  private String refused(String request, int... statuses) {
    int before = upstream.requests.get();
    try (RawHttp http = new RawHttp(port(), 5_000)) {
      RawHttp.Response response = http.send(request).read();
      boolean closed = http.closedByServer();
      List<Integer> allowed = new ArrayList<>();
      for (int s : statuses) {
        allowed.add(s);
      }
      String wrong = "";
      if (!allowed.contains(response.status()) || !response.isProblem()) {
        wrong += " answered " + response.status() + " " + response.headers().get("content-type");
      }
      if (!closed) {
        wrong += " kept the connection open";
      }
      if (upstream.requests.get() != before) {
        wrong += " reached the upstream as " + upstream.lastPath;
      }
      return wrong.isEmpty() ? null : request.replace("\r\n", "\\r\\n") + ":" + wrong;
    }
  }

  private static void none(List<String> failures) {
    assertEquals(List.of(), failures.stream().filter(f -> f != null).toList());
  }

  @Test
  void ambiguousOrUnsupportedFramingIsRefusedAndTheConnectionClosed() {
    List<String> failures = new ArrayList<>();
    String post = "POST /public/a HTTP/1.1\r\nHost: h\r\n";
    failures.add(refused(post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 400));
    failures.add(refused(post + "Transfer-Encoding: chunked\r\nContent-Length: 50\r\n\r\n0\r\n\r\n" + SMUGGLED, 400));
    for (String te : List.of("xchunked", "chunked, identity", "\"chunked\"", "identity", "gzip, chunked",
        "chunked;q=1", "chunk", "gzip")) {
      failures.add(refused(post + "Transfer-Encoding: " + te + "\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + SMUGGLED,
          400));
      failures.add(refused(post + "Transfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n" + SMUGGLED, 400));
    }
    failures.add(refused(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));
    failures.add(refused(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n", 400));
    failures.add(refused("POST /public/a HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));
    failures.add(refused(post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400));
    failures.add(refused(post + "Content-Length: 3, 4\r\n\r\nabcd", 400));
    for (String length : List.of("-1", "abc", "+3", "0x10", "1 2", "99999999999999999999")) {
      failures.add(refused(post + "Content-Length: " + length + "\r\n\r\nabc", 400));
    }
    none(failures);
  }

  @Test
  void aChunkSizeThatWouldWrapAroundNeverLetsTheRestOfTheBodyBecomeARequest() {
    for (String size : List.of("10000000000000001", "100000000", "1000000000000000000000000000000001",
        "  100000001")) {
      int before = upstream.requests.get();
      try (RawHttp http = new RawHttp(port(), 5_000)) {
        http.send("POST /public/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nA\r\n0\r\n\r\n"
            + SMUGGLED);
        RawHttp.Response first = http.read();
        assertTrue(first.status() == 0 || first.status() == 400, size + ": answered " + first.status());
        assertTrue(http.closedByServer(), size + ": the connection stays open");
      }
      assertFalse("/public/smuggled".equals(upstream.lastPath), size + ": the smuggled request reached the upstream");
      assertTrue(upstream.requests.get() - before <= 1, size + ": more than one request reached the upstream");
    }
  }

  @Test
  void aBrokenChunkInABufferedBodyIsRefusedAsTheClientsMistakeNotLoggedAsAnUnexpectedFailure() {
    ch.qos.logback.classic.Logger responder = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
        .getLogger(dev.gantry.gateway.problem.ProblemResponder.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    responder.addAppender(logged);
    try {
      for (String chunk : List.of("zz\r\nabc", "\r\nabc", "3;" + "x".repeat(5_000) + "\r\nabc", "-3\r\nabc")) {
        int before = upstream.requests.get();
        try (RawHttp http = new RawHttp(port(), 5_000)) {
          // the headers are sound, so the WAF starts reading the body; the chunk after them is not
          http.send("POST /inspected/a HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n" + chunk + "\r\n0\r\n\r\n");
          RawHttp.Response first = http.read();
          assertTrue(first.status() == 0 || first.status() == 400, chunk + ": answered " + first.status());
          assertTrue(http.closedByServer(), chunk + ": the connection stays open");
        }
        assertEquals(before, upstream.requests.get(), chunk + ": the broken body reached the upstream");
      }
      // the failure handler answers (and logs) before the connection is closed, so it has run by now
      assertEquals(List.of(), logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(
          ch.qos.logback.classic.Level.WARN)).map(e -> e.getFormattedMessage() + " " + e.getThrowableProxy()).toList());
    } finally {
      responder.detachAppender(logged);
    }
  }

  @Test
  void anOversizedRequestLineIs414AndAnOversizedHeaderBlock431() {
    List<String> failures = new ArrayList<>();
    failures.add(refused("GET /public/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414));
    failures.add(refused("GET /public/a HTTP/1.1\r\nHost: h\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n", 431));
    failures.add(refused("POST /inspected/a HTTP/1.1\r\nHost: h\r\n" + "X-H: v\r\n".repeat(3_000)
        + "Content-Length: 1\r\n\r\na", 431));
    none(failures);
  }

  @Test
  void invalidFieldNamesAndControlCharactersInFieldsAreRefused() {
    List<String> failures = new ArrayList<>();
    String get = "GET /public/a HTTP/1.1\r\nHost: h\r\n";
    for (String field : List.of(": b", "Bad Name: x", "Bad\u0000Name: x", "X-A: a\u0000b", "X-A: a\u0001b",
        "X-A: a\rb", "X-A: a\u007fb", "X(A): x", "X-A : x", "\u00e9: x", "X-A: a\u001b[31mred")) {
      failures.add(refused(get + field + "\r\n\r\n", 400));
    }
    none(failures);
  }

  @Test
  void aMissingInvalidOrRepeatedHostIsRefused() {
    List<String> failures = new ArrayList<>();
    for (String host : List.of("Host: a b\r\n", "Host: h:99999\r\n", "Host: x@y\r\n", "Host: h\r\nHost: h\r\n",
        "Host: h\r\nHost: other\r\n", "", "Host: \r\n", "Host: h:0\r\n", "Host: :80\r\n", "Host: h:\r\n",
        "Host: h/x\r\n", "Host: [::1\r\n", "Host: h:8o\r\n", "Host: a,b\r\n")) {
      failures.add(refused("GET /public/a HTTP/1.1\r\n" + host + "\r\n", 400));
    }
    none(failures);
    for (String host : List.of("h", "H.example.com", "h:8080", "127.0.0.1:1", "[::1]:8080", "under_score")) {
      RawHttp.Response ok = RawHttp.exchange(port(), "GET /public/a HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
      assertEquals(200, ok.status(), host);
    }
    assertEquals(200, RawHttp.exchange(port(), "GET /public/a HTTP/1.0\r\n\r\n").status(), "HTTP/1.0 needs no Host");
  }

  @Test
  void wellFormedRequestsKeepTheirConnectionAndPipelineInOrder() {
    try (RawHttp http = new RawHttp(port(), 1_000)) {
      http.send("POST /public/one HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
          + "GET /public/two HTTP/1.1\r\nHost: h\r\n\r\n");
      RawHttp.Response one = http.read();
      RawHttp.Response two = http.read();
      assertEquals(200, one.status());
      assertTrue(one.body().contains("\"bodyBytes\":3"), one.body());
      assertEquals(200, two.status());
      assertTrue(two.body().contains("/public/two"), two.body());
      assertFalse(http.closedByServer());
    }
  }

  @Test
  void connectAndTraceAreRefusedAndNothingPipelinedBehindThemIsServed() {
    List<String> failures = new ArrayList<>();
    failures.add(refused("CONNECT /public/c1 HTTP/1.1\r\nHost: h\r\n\r\nGET /public/after HTTP/1.1\r\nHost: h\r\n\r\n", 405));
    failures.add(refused("CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n", 405, 400));
    failures.add(refused("TRACE /public/t HTTP/1.1\r\nHost: h\r\nCookie: secret=1\r\n\r\n", 405));
    failures.add(refused("trace /public/t HTTP/1.1\r\nHost: h\r\n\r\n", 405));
    failures.add(refused("Track /public/t HTTP/1.1\r\nHost: h\r\n\r\n", 405));
    none(failures);
  }

  @Test
  void nothingPipelinedBehindAnAnswerThatSaysCloseIsServed() {
    List<String> failures = new ArrayList<>();
    String after = "GET /public/after HTTP/1.1\r\nHost: h\r\n\r\n";
    // answered before their bodies were read: Connection: close, and the bytes behind are not a request
    failures.add(refused("POST /health/live HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" + after, 405));
    failures.add(refused("POST /nothing/here HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" + after, 404));
    none(failures);
    // the client said close: what it pipelined after that is not served either
    try (RawHttp http = new RawHttp(port(), 5_000)) {
      int before = upstream.requests.get();
      RawHttp.Response first = http.send("GET /public/first HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
          + after).read();
      assertEquals(200, first.status());
      assertTrue(http.closedByServer(), "closed after the answer that said close");
      assertEquals(before + 1, upstream.requests.get(), "only the first request reached the upstream");
    }
  }

  @Test
  void theAuthorityAnAbsoluteFormTargetNamesIsForwardedWithoutItsSchemesDefaultPort() {
    try (RawHttp http = new RawHttp(port(), 5_000)) {
      RawHttp.Response r = http.send("GET http://Example.com:80/public/abs HTTP/1.0\r\n\r\n").read();
      assertEquals(200, r.status());
    }
    assertEquals("Example.com", upstream.lastHeaders.get("x-forwarded-host"), "example.com:80 is example.com");
    assertTrue(upstream.lastHeaders.get("forwarded").endsWith(";host=\"Example.com\""), upstream.lastHeaders.get("forwarded"));
  }

  @Test
  void onlyHttp11AndHttp10AreSpoken() {
    List<String> failures = new ArrayList<>();
    for (String version : List.of("HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1.1 ", "HTTP/9.9")) {
      failures.add(refused("GET /public/a " + version + "\r\nHost: h\r\n\r\n", 400));
    }
    failures.add(refused("POST /public/a HTTP/1.2\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));
    none(failures);
  }

  @Test
  void aClientNamingHostInConnectionDoesNotStripIt() {
    RawHttp.Response response = RawHttp.exchange(port(), "GET /public/a HTTP/1.1\r\nHost: shop.example\r\n"
        + "Connection: Host\r\n\r\n");
    assertEquals(200, response.status());
    assertEquals("shop.example", upstream.lastHeaders.get("host"));
  }

  @Test
  void anH2cUpgradeOfferIsIgnoredWhenCleartextHttp2IsOffAndTheRequestProxiedWithItsBody() {
    RawHttp.Response response = RawHttp.exchange(port(), "PUT /public/up HTTP/1.1\r\nHost: h\r\n"
        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n"
        + "Content-Length: 5\r\n\r\nhello");
    assertEquals(200, response.status(), response.body());
    assertTrue(response.body().contains("\"bodyBytes\":5"), response.body());
    assertEquals(null, upstream.lastHeaders.get("upgrade"), "the hop-by-hop Upgrade stays behind");
  }

  @Test
  void aRequestIdThatIsNotASaneTokenIsReplacedNotEchoed() {
    RawHttp.Response kept = RawHttp.exchange(port(),
        "GET /public/a HTTP/1.1\r\nHost: h\r\nX-Request-Id: order-42.retry_1\r\n\r\n");
    assertEquals("order-42.retry_1", kept.header("x-request-id"));
    for (String id : List.of("a b", "a\"b", "<script>", "x".repeat(129), "a\tb", "caf\u00e9")) {
      RawHttp.Response replaced = RawHttp.exchange(port(),
          "GET /public/a HTTP/1.1\r\nHost: h\r\nX-Request-Id: " + id + "\r\n\r\n");
      assertEquals(200, replaced.status(), id);
      assertNotEquals(id, replaced.header("x-request-id"));
      assertTrue(replaced.header("x-request-id").matches("[0-9a-f-]{36}"), replaced.header("x-request-id"));
      assertEquals(replaced.header("x-request-id"), upstream.lastHeaders.get("x-request-id"), "the upstream gets the new id");
    }
  }
}
