package dev.gantry.gateway;

import static dev.gantry.gateway.GatewayHarness.upstreamOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Route matching, rewriting, headers, canary split and shadowing, against real upstream servers. */
@ExtendWith(VertxExtension.class)
class ProxyRoutingTest {
  private TestUpstream a;
  private TestUpstream b;
  private TestUpstream c;
  private TestUpstream d;
  private GatewayHarness gw;

  @BeforeEach
  void upstreams(Vertx vertx) {
    a = new TestUpstream(vertx, "a").start();
    b = new TestUpstream(vertx, "b").start();
    c = new TestUpstream(vertx, "c").start();
    d = new TestUpstream(vertx, "d").start();
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    List.of(a, b, c, d).forEach(TestUpstream::stop);
  }

  private String pools() {
    return "upstreams:\n"
        + "  - {name: a, targets: [{url: '" + a.url() + "'}]}\n"
        + "  - {name: b, targets: [{url: '" + b.url() + "'}]}\n"
        + "  - {name: c, targets: [{url: '" + c.url() + "'}]}\n"
        + "  - {name: d, targets: [{url: '" + d.url() + "'}]}\n";
  }

  @Test
  void theMostSpecificRouteWinsUnlessPriorityDecidesAndTheChoiceIsStable(Vertx vertx) {
    String routes = ""
        + "  - {id: prefix, match: {path: /a/**}, upstream: c}\n"
        + "  - {id: exact, match: {path: /a/b}, upstream: a}\n"
        + "  - {id: template, match: {path: '/a/{x}'}, upstream: b}\n"
        + "  - {id: flagged, priority: 10, match: {path: /a/**, headers: {X-Prio: '*'}}, upstream: d}\n"
        + "  - {id: hosted, match: {path: /h/**, host: '*.example.com'}, upstream: a}\n"
        + "  - {id: query-v2, match: {path: /q, query: {v: '2'}}, upstream: b}\n"
        + "  - {id: query, match: {path: /q}, upstream: a}\n"
        + "  - {id: post-only, match: {path: /p, methods: [POST]}, upstream: a}";
    gw = GatewayHarness.start(vertx, pools() + "routes:\n" + routes + "\n");
    assertEquals("a", upstreamOf(gw.get("/a/b")));
    assertEquals("b", upstreamOf(gw.get("/a/z")));
    assertEquals("c", upstreamOf(gw.get("/a/z/y")));
    assertEquals("c", upstreamOf(gw.get("/a")));
    assertEquals("d", upstreamOf(gw.client.get("/a/b").putHeader("X-Prio", "1").send().await()));
    assertEquals("a", upstreamOf(gw.client.get("/h/x").virtualHost("shop.example.com").send().await()));
    assertEquals(404, gw.client.get("/h/x").virtualHost("example.org").send().await().statusCode());
    assertEquals("b", upstreamOf(gw.get("/q?v=2")));
    assertEquals("a", upstreamOf(gw.get("/q?v=3")));
    assertEquals(404, gw.get("/p").statusCode(), "GET does not match a POST-only route");
    assertEquals("a", upstreamOf(gw.client.post("/p").send().await()));
    for (int i = 0; i < 20; i++) {
      assertEquals("b", upstreamOf(gw.get("/a/z")));
    }
    // Priority, then exact > template > prefix, more literal characters, more conditions, then id.
    List<String> order = List.of("flagged", "exact", "post-only", "query-v2", "query", "template", "hosted", "prefix");
    assertEquals(order, gw.status().getJsonArray("routes").getList());

    // The same routes listed the other way round: the same order, the same choices.
    List<String> lines = new java.util.ArrayList<>(List.of(routes.split("\n")));
    java.util.Collections.reverse(lines);
    gw.admin.put("/admin/spec").bearerTokenAuthentication(GatewayHarness.TOKEN)
        .sendJsonObject(dev.gantry.gateway.spec.GatewaySpec.fromYaml(pools() + "routes:\n" + String.join("\n", lines) + "\n")
            .toJson()).await();
    assertEquals(order, gw.status().getJsonArray("routes").getList());
    assertEquals("a", upstreamOf(gw.get("/a/b")));
    assertEquals("b", upstreamOf(gw.get("/a/z")));
    assertEquals("d", upstreamOf(gw.client.get("/a/b").putHeader("X-Prio", "1").send().await()));
    assertEquals("b", upstreamOf(gw.get("/q?v=2")));
  }

  @Test
  void rewritesPathsAppliesHeaderChangesAndSetsForwardingHeaders(Vertx vertx) {
    gw = GatewayHarness.start(vertx, pools() + "routes:\n"
        + "  - id: shop\n"
        + "    match: {path: /shop/**}\n"
        + "    upstream: a\n"
        + "    rewrite: /api\n"
        + "    request-headers: {add: {X-Added: 'yes'}, remove: [X-Remove-Me], rename: {X-Old: X-New}}\n"
        + "    response-headers: {add: {X-Served-Through: gantry}, remove: [X-Internal]}\n"
        + "  - {id: user, match: {path: '/users/{id}/orders'}, upstream: a, rewrite: '/v2/orders?user={id}'}\n");
    String trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    HttpResponse<Buffer> r = gw.client.get("/shop/items/7?color=red")
        .putHeader("X-Remove-Me", "1").putHeader("X-Old", "v").putHeader("Connection", "X-Drop")
        .putHeader("X-Drop", "1").putHeader("traceparent", trace).putHeader("X-Request-Id", "rid-1")
        .send().await();
    assertEquals(200, r.statusCode());
    assertEquals("/api/items/7?color=red", a.lastPath);
    assertEquals("yes", a.lastHeaders.get("x-added"));
    assertNull(a.lastHeaders.get("x-remove-me"));
    assertEquals("v", a.lastHeaders.get("x-new"));
    assertNull(a.lastHeaders.get("x-drop"), "headers named in Connection are hop-by-hop");
    assertEquals("127.0.0.1", a.lastHeaders.get("x-forwarded-for"));
    assertEquals("http", a.lastHeaders.get("x-forwarded-proto"));
    assertTrue(a.lastHeaders.get("forwarded").startsWith("for=127.0.0.1;proto=http"), a.lastHeaders.get("forwarded"));
    assertEquals("rid-1", a.lastHeaders.get("x-request-id"));
    assertTrue(a.lastHeaders.get("traceparent").startsWith("00-0af7651916cd43dd8448eb211c80319c-"));
    assertEquals("gantry", r.getHeader("X-Served-Through"));
    assertNull(r.getHeader("X-Secret-Hop"), "a header the upstream named in Connection stays behind");
    assertEquals("rid-1", r.getHeader("X-Request-Id"));

    // Behind another proxy: its hops are kept and this one appended; its proto and host are replaced.
    gw.client.get("/shop/items/8").putHeader("X-Forwarded-For", "10.0.0.1").putHeader("X-Forwarded-Proto", "https")
        .putHeader("X-Forwarded-Host", "spoofed.example").putHeader("Forwarded", "for=10.0.0.1;proto=https")
        .putHeader("Keep-Alive", "timeout=5").putHeader("TE", "trailers").send().await();
    assertEquals("10.0.0.1, 127.0.0.1", a.lastHeaders.get("x-forwarded-for"));
    assertEquals("http", a.lastHeaders.get("x-forwarded-proto"));
    assertTrue(a.lastHeaders.get("x-forwarded-host").startsWith("localhost"), a.lastHeaders.get("x-forwarded-host"));
    assertTrue(a.lastHeaders.get("forwarded").startsWith("for=10.0.0.1;proto=https, for=127.0.0.1;proto=http"),
        a.lastHeaders.get("forwarded"));
    assertNull(a.lastHeaders.get("keep-alive"));
    assertNull(a.lastHeaders.get("te"));

    gw.get("/users/42/orders");
    assertEquals("/v2/orders?user=42", a.lastPath);
  }

  @Test
  void canarySplitFollowsWeightsAndAPinnedClientStaysOnItsVersion(Vertx vertx) {
    gw = GatewayHarness.start(vertx, pools() + "routes:\n"
        + "  - id: orders\n"
        + "    match: {path: /orders/**}\n"
        + "    split: [{upstream: a, weight: 90, name: v1}, {upstream: b, weight: 10, name: v2}]\n"
        + "    pin: {header: X-Version, cookie: version}\n");
    List<HttpResponse<Buffer>> all = gw.many(5000, 50, i -> gw.client.get("/orders/" + i).send());
    long toB = all.stream().filter(r -> upstreamOf(r).equals("b")).count();
    assertTrue(Math.abs(toB / 5000.0 - 0.10) <= 0.03, "v2 share " + toB / 5000.0);
    for (int i = 0; i < 50; i++) {
      assertEquals("b", upstreamOf(gw.client.get("/orders/x").putHeader("X-Version", "v2").send().await()));
      assertEquals("a", upstreamOf(gw.client.get("/orders/x").putHeader("Cookie", "version=v1").send().await()));
    }
  }

  @Test
  void shadowGetsCopiesWithoutHoldingUpClientsAndIgnoredFieldsDoNotCount(Vertx vertx) {
    gw = GatewayHarness.start(vertx, mirrored(), "default", 1);
    io.vertx.core.Promise<Void> release = b.holdAnswers();
    for (int i = 0; i < 10; i++) {
      assertEquals("a", upstreamOf(gw.get("/m/" + i)), "answered while the shadow has not answered at all");
    }
    Poll.until(vertx, Duration.ofSeconds(30), "10 copies reached the shadow", () -> b.requests.get() == 10);
    assertEquals(0L, shadowStats().getLong("compared", 0L), "nothing compared while the shadow holds its answers");
    release.complete();
    Poll.until(vertx, Duration.ofSeconds(30), "10 shadow copies compared",
        () -> shadowStats().getLong("compared", 0L) == 10);
    assertEquals(true, b.lastHeaders.containsKey("x-gantry-shadow"));
    assertEquals(0L, shadowStats().getLong("bodyDifferences"), "the bodies differ only in the ignored field");
    assertEquals(0L, shadowStats().getLong("statusDifferences"));
  }

  @Test
  void aShadowAnsweringAnotherBodyOrStatusIsCountedAsADifference(Vertx vertx) {
    gw = GatewayHarness.start(vertx, mirrored(), "default", 1);
    b.extraFields = new JsonObject().put("price", 12);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, gw.get("/m/" + i).statusCode());
    }
    Poll.until(vertx, Duration.ofSeconds(30), "3 shadow copies compared",
        () -> shadowStats().getLong("compared", 0L) == 3);
    assertEquals(3L, shadowStats().getLong("bodyDifferences"), "a field outside ignore-fields differs");

    b.extraFields = null;
    b.status = 503;
    for (int i = 0; i < 5; i++) {
      assertEquals(200, gw.get("/m/x").statusCode());
    }
    Poll.until(vertx, Duration.ofSeconds(30), "5 status differences",
        () -> shadowStats().getLong("statusDifferences", 0L) == 5);
    assertEquals(3L, shadowStats().getLong("bodyDifferences"), "a status difference is not also a body difference");
  }

  @Test
  void aPostIsNotShadowedUnlessTheRouteOptsIn(Vertx vertx) {
    gw = GatewayHarness.start(vertx, mirrored(), "default", 1);
    assertEquals(200, gw.client.post("/m/posted").sendBuffer(Buffer.buffer("{}")).await().statusCode());
    assertEquals(200, gw.get("/m/after-the-post").statusCode());
    // Copies go out after the client's reply, in order: once the later GET's copy is there, a copy
    // of the POST would be too.
    Poll.until(vertx, Duration.ofSeconds(30), "the GET sent after the POST reached the shadow",
        () -> b.seen.contains("GET /m/after-the-post"));
    assertEquals(List.of("GET /m/after-the-post"), List.copyOf(b.seen), "non-idempotent requests are not shadowed");
    assertEquals(List.of("POST /m/posted", "GET /m/after-the-post"), List.copyOf(a.seen));
  }

  private String mirrored() {
    return pools() + """
        routes:
          - id: mirrored
            match: {path: /m/**}
            upstream: a
            timeout-ms: 5000
            shadow: {upstream: b, percent: 100, ignore-fields: [upstream]}
        """;
  }

  private JsonObject shadowStats() {
    return gw.status().getJsonObject("shadows").getJsonObject("mirrored", new JsonObject());
  }

  @Test
  void webSocketUpgradesPassThrough(Vertx vertx) throws Exception {
    io.vertx.core.http.HttpServer echo = vertx.createHttpServer()
        .webSocketHandler(ws -> ws.handler(buf -> ws.writeTextMessage("echo:" + buf.toString() + ":" + ws.path())))
        .listen(0, "127.0.0.1").await();
    try {
      gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: ws, targets: [{url: 'http://127.0.0.1:" + echo.actualPort() + "'}]}\n"
          + "routes:\n  - {id: ws, match: {path: /ws/**}, upstream: ws, rewrite: /socket}\n");
      ch.qos.logback.classic.Logger vertxHttp = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.vertx.core.http");
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
      logged.start();
      vertxHttp.addAppender(logged);
      ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("gantry.access");
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
      lines.start();
      access.addAppender(lines);
      io.vertx.core.http.WebSocketClient wsClient = vertx.createWebSocketClient();
      io.vertx.core.http.WebSocket socket = wsClient.connect(gw.gateway.actualPort(), "127.0.0.1", "/ws/chat").await();
      java.util.concurrent.CompletableFuture<String> reply = new java.util.concurrent.CompletableFuture<>();
      socket.textMessageHandler(reply::complete);
      socket.writeTextMessage("hello").await();
      assertEquals("echo:hello:/socket/chat", reply.get(10, java.util.concurrent.TimeUnit.SECONDS));
      socket.close().await();
      wsClient.close().await();
      vertxHttp.detachAppender(logged);
      access.detachAppender(lines);
      assertTrue(lines.list.stream().map(e -> e.getFormattedMessage()).anyMatch(l -> l.contains("route=ws status=101")),
          "the tunnel's access line: " + lines.list.stream().map(e -> e.getFormattedMessage()).toList());
      assertEquals(List.of(), logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList(), "a tunnel's end is not an error");
    } finally {
      echo.close().await();
    }
  }

  @Test
  void bodiesStreamThroughAndTheRouteLimitIsEnforced(Vertx vertx) {
    gw = GatewayHarness.start(vertx, pools() + "routes:\n"
        + "  - {id: upload, match: {path: /up}, upstream: a, max-body-bytes: 20000000}\n"
        + "  - {id: small, match: {path: /small}, upstream: a, max-body-bytes: 10}\n");
    Buffer eightMiB = Buffer.buffer(new byte[8 << 20]);
    HttpResponse<Buffer> r = gw.client.put("/up").sendBuffer(eightMiB).await();
    assertEquals(200, r.statusCode());
    assertEquals(8 << 20, r.bodyAsJsonObject().getLong("bodyBytes"));
    HttpResponse<Buffer> tooBig = gw.client.post("/small").sendBuffer(Buffer.buffer("01234567890")).await();
    assertEquals(413, tooBig.statusCode());
    assertEquals("application/problem+json", tooBig.getHeader("Content-Type"));

    int before = a.requests.get();
    io.vertx.core.http.HttpClient raw = vertx.createHttpClient();
    try {
      io.vertx.core.http.HttpClientRequest chunked = raw.request(io.vertx.core.http.HttpMethod.POST,
          gw.gateway.actualPort(), "127.0.0.1", "/small").await();
      chunked.setChunked(true);
      io.vertx.core.Future<io.vertx.core.http.HttpClientResponse> answer = chunked.response();
      chunked.write("0123456789").await();
      chunked.write("0123456789");
      chunked.end();
      io.vertx.core.http.HttpClientResponse refused = answer.await();
      assertEquals(413, refused.statusCode(), "a chunked body is stopped once it passes the limit");
    } finally {
      raw.close().await();
    }
    assertTrue(a.bodyBytes.get() <= (8 << 20) + 10, "the upstream never got the oversized part");
    assertTrue(a.requests.get() <= before + 1);
  }
  @Test
  void aStreamedAnswerReachesTheClientChunkByChunkBeforeItEnds(Vertx vertx) {
    // Server-sent events: the upstream sends an event, then waits for the client to have it
    // before sending the next; a gateway that held chunks until the end would never deliver.
    io.vertx.core.Promise<Void> firstSeen = io.vertx.core.Promise.promise();
    io.vertx.core.http.HttpServer events = vertx.createHttpServer().requestHandler(req -> {
      io.vertx.core.http.HttpServerResponse out = req.response().setChunked(true)
          .putHeader("Content-Type", "text/event-stream");
      out.write("data: one\n\n");
      firstSeen.future().onComplete(v -> out.end("data: two\n\n"));
    }).listen(0, "127.0.0.1").await();
    io.vertx.core.http.HttpClient raw = vertx.createHttpClient();
    try {
      gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: sse, targets: [{url: 'http://127.0.0.1:"
          + events.actualPort() + "'}]}\nroutes:\n  - {id: sse, match: {path: /events}, upstream: sse}\n");
      StringBuilder got = new StringBuilder();
      io.vertx.core.Promise<String> whole = io.vertx.core.Promise.promise();
      // handlers set as the response arrives, on its event loop, so no chunk passes unseen
      int status = raw.request(io.vertx.core.http.HttpMethod.GET, gw.gateway.actualPort(), "127.0.0.1", "/events")
          .compose(io.vertx.core.http.HttpClientRequest::send).map(r -> {
            r.handler(chunk -> {
              got.append(chunk.toString());
              if (got.toString().contains("data: one")) {
                firstSeen.tryComplete();
              }
            });
            r.endHandler(v -> whole.complete(got.toString()));
            return r.statusCode();
          }).await();
      assertEquals(200, status);
      assertEquals("data: one\n\ndata: two\n\n", whole.future().timeout(10, java.util.concurrent.TimeUnit.SECONDS).await(),
          "the first event came through while the upstream still held the second");
    } finally {
      raw.close().await();
      events.close().await();
    }
  }
}
