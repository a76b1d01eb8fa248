package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries, retry budgets, circuit breakers and timeouts against a real upstream. */
@ExtendWith(VertxExtension.class)
class ResilienceTest {
  private TestUpstream up;
  private GatewayHarness gw;

  @BeforeEach
  void upstream(Vertx vertx) {
    up = new TestUpstream(vertx, "up").start();
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    up.stop();
  }

  private String spec(String routes) {
    return "upstreams:\n  - {name: up, targets: [{url: '" + up.url() + "'}], outlier: {consecutive-failures: 1000}}\n"
        + "routes:\n" + routes;
  }

  @Test
  void retriesOnlyIdempotentMethodsUnlessTheRouteOptsIn(Vertx vertx) {
    gw = GatewayHarness.start(vertx, spec(
        "  - {id: safe, match: {path: /safe}, upstream: up, retry: {attempts: 2, backoff-ms: 1, budget-percent: 100}}\n"
            + "  - {id: bold, match: {path: /bold}, upstream: up, retry: {attempts: 2, backoff-ms: 1, budget-percent: 100, non-idempotent: true}}\n"));
    up.status = 503;
    assertEquals(503, gw.get("/safe").statusCode());
    assertEquals(3, up.requests.getAndSet(0), "GET: one try and two retries");
    assertEquals(503, gw.client.post("/safe").sendBuffer(Buffer.buffer("{}")).await().statusCode());
    assertEquals(1, up.requests.getAndSet(0), "POST is not retried");
    up.bodyBytes.set(0);
    assertEquals(503, gw.client.post("/bold").sendBuffer(Buffer.buffer("{\"a\":1}")).await().statusCode());
    assertEquals(3, up.requests.get(), "the route opted in");
    assertEquals(3 * 7, up.bodyBytes.get(), "the buffered body was replayed on every try");
  }

  @Test
  void retriesStayWithinTheBudget(Vertx vertx) {
    gw = GatewayHarness.start(vertx, spec(
        "  - {id: r, match: {path: /r}, upstream: up, retry: {attempts: 3, backoff-ms: 0, budget-percent: 20, min-per-second: 0}}\n"));
    up.status = 503;
    gw.many(100, 1, i -> gw.client.get("/r").send());
    int retries = up.requests.get() - 100;
    assertTrue(retries > 0 && retries <= 20, "retries " + retries + " must stay within 20% of 100 requests");
  }

  @Test
  void breakerOpensRejectsWithoutCallingTheTargetLetsExactlyOneHalfOpenProbeThroughAndCloses(Vertx vertx) {
    gw = GatewayHarness.start(vertx, spec(
        "  - {id: b, match: {path: /b}, upstream: up, breaker: {max-failures: 3, reset-ms: 3000}}\n"));
    up.status = 500;
    for (int i = 0; i < 3; i++) {
      assertEquals(500, gw.get("/b").statusCode());
    }
    assertEquals("OPEN", breaker());

    // Open: answered at once, without the target. The target now holds every answer, so a request
    // that reached it would not come back until released.
    io.vertx.core.Promise<Void> release = up.holdAnswers();
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> rejected = gw.get("/b");
      assertEquals(503, rejected.statusCode());
      assertEquals(Failure.UNAVAILABLE.type(), rejected.bodyAsJsonObject().getString("type"));
      assertTrue(rejected.bodyAsJsonObject().getString("detail").contains("circuit breaker"));
    }
    assertEquals(3, up.requests.get(), "an open breaker does not call the target");

    // Half-open after reset-ms: of five requests at once, exactly one goes to the target.
    dev.gantry.testkit.Poll.until(vertx, java.time.Duration.ofSeconds(30), "the breaker half-open",
        () -> "HALF_OPEN".equals(breaker()));
    up.status = 200;
    java.util.List<io.vertx.core.Future<HttpResponse<Buffer>>> together = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      together.add(gw.client.get("/b").send());
    }
    dev.gantry.testkit.Poll.until(vertx, java.time.Duration.ofSeconds(30), "four answered while the probe waits",
        () -> together.stream().filter(io.vertx.core.Future::isComplete).count() == 4);
    assertEquals(4, up.requests.get(), "exactly one probe reached the target");
    assertTrue(together.stream().filter(io.vertx.core.Future::isComplete).allMatch(f -> f.result().statusCode() == 503));
    release.complete();
    io.vertx.core.Future.all(together).await();
    assertEquals(1, together.stream().filter(f -> f.result().statusCode() == 200).count(), "the probe succeeded");
    assertEquals("CLOSED", breaker());
    assertEquals(200, gw.get("/b").statusCode());
    assertEquals(5, up.requests.get());
  }

  private String breaker() {
    return gw.status().getJsonObject("breakers").getString("b/up");
  }

  @Test
  void anUpstreamThatNeverAnswersGives504AtTheRouteTimeout(Vertx vertx) {
    gw = GatewayHarness.start(vertx, spec("  - {id: t, match: {path: /t}, upstream: up, timeout-ms: 200}\n"));
    io.vertx.core.Promise<Void> release = up.holdAnswers();
    HttpResponse<Buffer> r = gw.get("/t");
    assertEquals(504, r.statusCode(), "the upstream had not answered: only the route's timeout can answer");
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertEquals(1, up.requests.get());
    release.complete();
  }

  @Test
  void eachWaitingRequestTimesOutAtItsOwnDeadlineWhateverCameBefore(Vertx vertx) {
    // One timer stands for every request waiting on an event loop: a short deadline that comes
    // after long ones must still fire on time, and answered requests must leave no wait behind.
    gw = GatewayHarness.start(vertx, spec("""
          - {id: slow, match: {path: /slow}, upstream: up, timeout-ms: 20000}
          - {id: quick, match: {path: /quick}, upstream: up, timeout-ms: 300}
        """));
    io.vertx.core.Promise<Void> release = up.holdAnswers();
    List<io.vertx.core.Future<HttpResponse<Buffer>>> slow = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      slow.add(gw.client.get("/slow").send());
    }
    long t0 = System.nanoTime();
    HttpResponse<Buffer> quick = gw.get("/quick");
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(504, quick.statusCode(), "the quick route's deadline passed while the slow ones waited");
    assertTrue(tookMs >= 300, "not before its deadline: " + tookMs + " ms");
    assertTrue(slow.stream().noneMatch(io.vertx.core.Future::isComplete), "the slow requests still wait");
    release.complete();
    io.vertx.core.Future.all(slow).await();
    slow.forEach(f -> assertEquals(200, f.result().statusCode()));
    // the timed-out request's connection was closed, not handed to the next request
    for (int i = 0; i < 20; i++) {
      assertEquals(200, gw.get("/quick").statusCode());
    }
  }

  @Test
  void aClientBodyThatNeverComesIsTheClientsTimeoutOverHttp2AndDoesNotFailTheUpstream(Vertx vertx) {
    // Over HTTP/2 the upstream stream is opened with the first body bytes; when the deadline comes
    // first, Vert.x reports the reset without its cause. It is still the deadline — the client's,
    // whose body never came (408) — and the upstream did nothing wrong (one failure would eject it here).
    io.vertx.core.http.HttpServer h2 = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
        .setHttp2ClearTextEnabled(true)).requestHandler(req -> req.body().onComplete(b -> req.response().end("ok")))
        .listen(0, "127.0.0.1").await();
    io.vertx.core.http.HttpClient raw = vertx.createHttpClient();
    try {
      gw = GatewayHarness.start(vertx, """
          upstreams:
            - {name: h2up, protocol: h2, targets: [{url: 'http://127.0.0.1:%d'}], outlier: {consecutive-failures: 1}}
          routes:
            - {id: upload, match: {path: /upload}, upstream: h2up, timeout-ms: 300}
            - {id: plain, match: {path: /plain}, upstream: h2up}
          """.formatted(h2.actualPort()));
      io.vertx.core.http.HttpClientRequest post = raw.request(io.vertx.core.http.HttpMethod.POST,
          gw.gateway.actualPort(), "127.0.0.1", "/upload").await();
      post.putHeader("Content-Length", "10");
      io.vertx.core.Future<io.vertx.core.http.HttpClientResponse> answer = post.response();
      post.sendHead(); // and never the body
      assertEquals(408, answer.await().statusCode(), "the route's deadline passed while the client's body was awaited");
      assertEquals(200, gw.get("/plain").statusCode(), "the upstream was not counted as failed");
    } finally {
      raw.close().await();
      h2.close().await();
    }
  }

  private long tries(int request) {
    return up.seen.stream().filter(("GET /r/" + request)::equals).count();
  }

  @Test
  void aRetryWhoseBackoffEndsPastTheDeadlineIsNeverSent(Vertx vertx) {
    TestUpstream held = new TestUpstream(vertx, "held").start();
    io.vertx.core.Promise<Void> release = held.holdAnswers();
    try {
      gw = GatewayHarness.start(vertx, """
          upstreams:
            - {name: up, targets: [{url: '%s'}], outlier: {consecutive-failures: 1000}}
            - {name: held, targets: [{url: '%s'}]}
          routes:
            - id: r
              match: {path: /r/**}
              upstream: up
              timeout-ms: 300
              retry: {attempts: 1, backoff-ms: 2000, max-backoff-ms: 2000, budget-percent: 100, statuses: [503]}
            - {id: marker, match: {path: /marker}, upstream: held, timeout-ms: 2500}
          """.formatted(up.url(), held.url()));
      up.status = 503;
      // Each request's one retry waits a random 1-2,000 ms: mostly past its 300 ms deadline.
      List<io.vertx.core.Future<HttpResponse<Buffer>>> sent = new java.util.ArrayList<>();
      java.util.Map<Integer, Long> triesWhenAnswered = new java.util.concurrent.ConcurrentHashMap<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        sent.add(gw.client.get("/r/" + i).send().onComplete(ar -> triesWhenAnswered.put(n, tries(n))));
      }
      io.vertx.core.Future.all(sent).await();
      // Every retry timer was set before this request, for at most 2,000 ms; its 504 comes 2,500 ms
      // after it was sent, so once it is here every retry timer has fired.
      assertEquals(504, gw.get("/marker").statusCode());
      int pastTheDeadline = 0;
      for (int i = 0; i < 5; i++) {
        int status = sent.get(i).result().statusCode();
        assertEquals(triesWhenAnswered.get(i), tries(i), "/r/" + i + ": a try reached the upstream after the client's "
            + status + " (its deadline had passed)");
        if (status == 504) {
          pastTheDeadline++;
          assertEquals(1, tries(i), "/r/" + i + ": its retry would have come after its deadline");
        } else {
          assertEquals(503, status);
          assertEquals(2, tries(i), "/r/" + i + ": retried within its deadline");
        }
      }
      assertTrue(pastTheDeadline > 0, "no retry fell past its deadline this time; the case was not exercised");
    } finally {
      release.complete();
      held.stop();
    }
  }
}
