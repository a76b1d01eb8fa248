package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cache policy against an origin whose every answer the test sets: RFC 9111 as a shared cache sees it. */
@ExtendWith(VertxExtension.class)
class CachePolicyTest {
  private HttpServer origin;
  private final Map<String, MultiMap> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<MultiMap> received = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile long delayMillis;
  private GatewayHarness gw;
  private final AtomicInteger version = new AtomicInteger();
  /** When chunked answers end: at once unless a test holds them. */
  private io.vertx.core.Promise<Void> release = io.vertx.core.Promise.promise();

  @BeforeEach
  void start(Vertx vertx) {
    release.complete();
    origin = vertx.createHttpServer().requestHandler(req -> {
      calls.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
      received.add(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
      MultiMap headers = answers.getOrDefault(req.path(), MultiMap.caseInsensitiveMultiMap());
      if (req.path().startsWith("/chunked")) { // a body of unknown length: two chunks, or one then a wait
        req.response().setChunked(true).headers().addAll(headers);
        String text = "0123456789".repeat(Integer.parseInt(req.getParam("tens", "100")));
        req.response().write(text.substring(0, text.length() / 2));
        release.future().onComplete(v -> req.response().end(text.substring(text.length() / 2)));
        return;
      }
      Runnable answer = () -> {
        String etag = headers.get("ETag");
        if (etag != null && etag.equals(req.getHeader("If-None-Match"))) {
          req.response().setStatusCode(304).headers().addAll(headers);
          req.response().end();
          return;
        }
        req.response().setStatusCode(status).headers().addAll(headers);
        req.response().end(new JsonObject().put("path", req.path()).put("version", version.incrementAndGet())
            .put("lang", req.getHeader("Accept-Language")).encode());
      };
      if (delayMillis > 0) {
        vertx.setTimer(delayMillis, t -> answer.run());
      } else {
        answer.run();
      }
    });
    origin.listen(0, "127.0.0.1").await();
    gw = GatewayHarness.start(vertx, "upstreams:\n  - {name: origin, targets: [{url: 'http://127.0.0.1:"
        + origin.actualPort() + "'}]}\nroutes:\n  - {id: cached, match: {path: /c/**}, upstream: origin, rewrite: /,"
        + " policies: [{cache: {max-object-bytes: 65536}}]}\n  - {id: other, match: {path: /o/**}, upstream: origin, rewrite: /,"
        + " policies: [{cache: {}}]}\n");
  }

  @AfterEach
  void stop() {
    gw.stop();
    origin.close().await();
  }

  private void answer(String path, String... headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    answers.put(path, map);
  }

  private int calls(String path) {
    AtomicInteger n = calls.get(path);
    return n == null ? 0 : n.get();
  }

  private HttpResponse<Buffer> get(String path, String... headers) {
    var request = gw.client.get(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.send().await();
  }

  @Test
  void aFreshResponseIsServedFromTheCacheWithItsAgeAndTwoRoutesNeverShareAnEntry() {
    answer("/a", "Cache-Control", "max-age=60");
    HttpResponse<Buffer> first = get("/c/a");
    assertEquals("MISS", first.getHeader("X-Cache"));
    HttpResponse<Buffer> second = get("/c/a");
    assertEquals("HIT", second.getHeader("X-Cache"));
    assertNotNull(second.getHeader("Age"));
    assertEquals(first.bodyAsString(), second.bodyAsString());
    assertEquals(1, calls("/a"));
    assertEquals("MISS", get("/o/a").getHeader("X-Cache"), "another route has its own entries");
    assertEquals(2, calls("/a"));
    assertEquals("HIT", get("/c/a?").getHeader("X-Cache"));
    HttpResponse<Buffer> head = gw.client.request(HttpMethod.HEAD, "/c/a").send().await();
    assertEquals("HIT", head.getHeader("X-Cache"), "HEAD is answered from the GET's entry");
  }

  @Test
  void theQueryIsPartOfTheKeyInAnyParameterOrder() {
    answer("/q", "Cache-Control", "max-age=60");
    get("/c/q?a=1&b=2");
    assertEquals("HIT", get("/c/q?b=2&a=1").getHeader("X-Cache"));
    assertEquals("MISS", get("/c/q?a=1&b=3").getHeader("X-Cache"));
  }

  @Test
  void responsesThatMustNotBeSharedAreNeverStored() {
    answer("/nostore", "Cache-Control", "no-store, max-age=60");
    answer("/private", "Cache-Control", "private, max-age=60");
    answer("/cookie", "Cache-Control", "max-age=60", "Set-Cookie", "sid=1");
    answer("/star", "Cache-Control", "max-age=60", "Vary", "*");
    answer("/silent"); // no freshness at all: heuristics are off
    for (String path : List.of("/nostore", "/private", "/cookie", "/star", "/silent")) {
      get("/c" + path);
      assertEquals("MISS", get("/c" + path).getHeader("X-Cache"), path);
      assertEquals(2, calls(path), path);
    }
  }

  @Test
  void sMaxageWinsOverMaxAgeAndExpiresCountsWithoutCacheControl() {
    answer("/s", "Cache-Control", "max-age=0, s-maxage=60");
    get("/c/s");
    assertEquals("HIT", get("/c/s").getHeader("X-Cache"));
    long in60 = System.currentTimeMillis() + 60_000;
    answer("/e", "Expires", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.Instant.ofEpochMilli(in60).atZone(java.time.ZoneOffset.UTC)));
    get("/c/e");
    assertEquals("HIT", get("/c/e").getHeader("X-Cache"));
    answer("/bad", "Expires", "0");
    get("/c/bad");
    assertEquals("MISS", get("/c/bad").getHeader("X-Cache"), "an invalid Expires is already stale");
  }

  @Test
  void eachVaryVariantHasItsOwnEntry() {
    answer("/v", "Cache-Control", "max-age=60", "Vary", "Accept-Language");
    assertEquals("de", get("/c/v", "Accept-Language", "de").bodyAsJsonObject().getString("lang"));
    assertEquals("fr", get("/c/v", "Accept-Language", "fr").bodyAsJsonObject().getString("lang"));
    HttpResponse<Buffer> de = get("/c/v", "Accept-Language", "de");
    assertEquals("HIT", de.getHeader("X-Cache"));
    assertEquals("de", de.bodyAsJsonObject().getString("lang"));
    assertEquals("fr", get("/c/v", "Accept-Language", "fr").bodyAsJsonObject().getString("lang"));
    assertEquals(2, calls("/v"));
  }

  @Test
  void aClientsValidatorGetsA304FromTheCache() {
    answer("/etag", "Cache-Control", "max-age=60", "ETag", "\"v1\"");
    get("/c/etag");
    HttpResponse<Buffer> r = get("/c/etag", "If-None-Match", "W/\"v1\"");
    assertEquals(304, r.statusCode());
    assertEquals("\"v1\"", r.getHeader("ETag"));
    assertEquals(0, r.bodyAsBuffer() == null ? 0 : r.bodyAsBuffer().length());
    assertEquals(200, get("/c/etag", "If-None-Match", "\"v2\"").statusCode());
    assertEquals(1, calls("/etag"));
  }

  @Test
  void aStaleEntryIsRevalidatedWithItsEtagAndA304RefreshesIt() {
    answer("/r", "Cache-Control", "max-age=0", "ETag", "\"r1\"");
    HttpResponse<Buffer> first = get("/c/r");
    HttpResponse<Buffer> second = get("/c/r");
    assertEquals("REVALIDATED", second.getHeader("X-Cache"));
    assertEquals(first.bodyAsString(), second.bodyAsString(), "the stored body, not a new one");
    assertEquals("\"r1\"", received.get(received.size() - 1).get("If-None-Match"));
    assertEquals(2, calls("/r"));
    HttpResponse<Buffer> noCache = get("/c/r", "Cache-Control", "no-cache");
    assertEquals("REVALIDATED", noCache.getHeader("X-Cache"), "the client's no-cache asks the origin");
  }

  @Test
  void staleWhileRevalidateServesStaleAndRefreshesOnce(Vertx vertx) {
    answer("/swr", "Cache-Control", "max-age=0, stale-while-revalidate=60");
    get("/c/swr");
    delayMillis = 300;
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(gw.client.get("/c/swr").send());
    }
    Future.all(all).await();
    all.forEach(f -> assertEquals("STALE", f.result().getHeader("X-Cache")));
    long deadline = System.currentTimeMillis() + 5_000;
    while (calls("/swr") < 2 && System.currentTimeMillis() < deadline) {
      vertx.timer(20).await();
    }
    assertEquals(2, calls("/swr"), "one background refresh for twenty stale answers");
  }

  @Test
  void staleIfErrorServesTheStoredResponseWhenTheOriginFails() {
    answer("/sie", "Cache-Control", "max-age=0, stale-if-error=60");
    HttpResponse<Buffer> good = get("/c/sie");
    status = 503;
    HttpResponse<Buffer> stale = get("/c/sie");
    assertEquals(200, stale.statusCode());
    assertEquals("STALE", stale.getHeader("X-Cache"));
    assertEquals(good.bodyAsString(), stale.bodyAsString());
    answer("/strict", "Cache-Control", "max-age=0, must-revalidate, stale-if-error=60");
    status = 200;
    get("/c/strict");
    status = 503;
    assertEquals(503, get("/c/strict").statusCode(), "must-revalidate forbids serving it stale");
  }

  @Test
  void credentialedRequestsShareOnlyPublicResponses() {
    answer("/mine", "Cache-Control", "max-age=60");
    answer("/pub", "Cache-Control", "public, max-age=60");
    get("/c/mine", "Authorization", "Bearer alice");
    assertEquals("MISS", get("/c/mine", "Authorization", "Bearer bob").getHeader("X-Cache"));
    assertEquals("MISS", get("/c/mine", "Cookie", "sid=bob").getHeader("X-Cache"));
    assertEquals(3, calls("/mine"));
    get("/c/pub", "Authorization", "Bearer alice");
    assertEquals("HIT", get("/c/pub", "Authorization", "Bearer bob").getHeader("X-Cache"));
    assertEquals(1, calls("/pub"));
  }

  @Test
  void aHundredConcurrentMissesMakeOneOriginRequest() {
    answer("/hot", "Cache-Control", "max-age=60");
    delayMillis = 200;
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(gw.client.get("/c/hot").send());
    }
    Future.all(all).await();
    all.forEach(f -> assertEquals(200, f.result().statusCode()));
    assertEquals(1, calls("/hot"));
  }

  @Test
  void aPurgeByKeyPrefixOrTagEmptiesTheEntries(Vertx vertx) {
    answer("/p/1", "Cache-Control", "max-age=60", "Cache-Tag", "product-1, catalog");
    answer("/p/2", "Cache-Control", "max-age=60", "Surrogate-Key", "product-2 catalog");
    get("/c/p/1");
    get("/c/p/2");
    assertEquals(202, purge(new JsonObject().put("tag", "product-1")).statusCode());
    awaitMiss("/c/p/1");
    assertEquals("HIT", get("/c/p/2").getHeader("X-Cache"));
    purge(new JsonObject().put("prefix", "/c/p/")); // the path clients use
    awaitMiss("/c/p/2");
    assertEquals(422, purge(new JsonObject().put("tag", "a").put("key", "/b")).statusCode());
    assertEquals(422, purge(new JsonObject().put("url", "/b")).statusCode());
  }

  private HttpResponse<Buffer> purge(JsonObject body) {
    return gw.admin.post("/admin/cache/purge").bearerTokenAuthentication(GatewayHarness.TOKEN).sendJsonObject(body).await();
  }

  private void awaitMiss(String path) {
    long deadline = System.currentTimeMillis() + 2_000;
    String result;
    do {
      result = get(path).getHeader("X-Cache");
    } while (!"MISS".equals(result) && System.currentTimeMillis() < deadline);
    assertEquals("MISS", result);
  }

  @Test
  void aRevalidating304UpdatesTheStoredHeadersButNotWhatTheBodyDependsOn() {
    answer("/u", "Cache-Control", "max-age=0", "ETag", "\"u1\"", "X-Version", "1", "Content-Type", "text/plain");
    HttpResponse<Buffer> first = get("/c/u");
    answer("/u", "Cache-Control", "max-age=0", "ETag", "\"u1\"", "X-Version", "2",
        "Content-Type", "text/plain;charset=utf-8", "Content-Length", "0");
    HttpResponse<Buffer> second = get("/c/u");
    assertEquals("REVALIDATED", second.getHeader("X-Cache"));
    assertEquals("2", second.getHeader("X-Version"), "RFC 9111 §4.3.4: the 304's fields replace the stored ones");
    assertEquals("text/plain;charset=utf-8", second.getHeader("Content-Type"));
    assertEquals(first.bodyAsString(), second.bodyAsString());
    assertEquals(String.valueOf(first.body().length()), second.getHeader("Content-Length"),
        "the stored body's length, not the 304's");
  }

  @Test
  void anAgeThatCannotBeReadMakesTheResponseStale() {
    answer("/age-ok", "Cache-Control", "max-age=3600", "Age", "10");
    get("/c/age-ok");
    assertEquals("HIT", get("/c/age-ok").getHeader("X-Cache"));
    for (String bad : List.of("abc", "-7200", "7200.0", "0, 0", "7200;foo=bar")) {
      String path = "/age-" + Math.abs(bad.hashCode());
      answer(path, "Cache-Control", "max-age=3600", "Age", bad);
      get("/c" + path);
      assertEquals("MISS", get("/c" + path).getHeader("X-Cache"), "Age: " + bad);
      assertEquals(2, calls(path), "Age: " + bad);
    }
    answer("/age-two", "Cache-Control", "max-age=3600", "Age", "0", "Age", "0");
    get("/c/age-two");
    assertEquals("MISS", get("/c/age-two").getHeader("X-Cache"), "two Age fields");
  }

  @Test
  void anUnsafeMethodThatSucceedsInvalidatesItsTargetAndTheLocationsItNamesOnTheSameHost() {
    for (String path : List.of("/inv", "/loc", "/cl", "/elsewhere", "/kept")) {
      answer(path, "Cache-Control", "max-age=600");
      get("/c" + path);
      assertEquals("HIT", get("/c" + path).getHeader("X-Cache"), path);
    }
    answer("/writer", "Location", "/c/loc", "Content-Location", "cl");
    assertEquals("BYPASS", gw.client.post("/c/writer").send().await().getHeader("X-Cache"));
    assertEquals("MISS", get("/c/loc").getHeader("X-Cache"), "Location, same host");
    assertEquals("MISS", get("/c/cl").getHeader("X-Cache"), "Content-Location, relative to the request");
    answer("/other", "Location", "http://elsewhere.example/c/elsewhere");
    gw.client.delete("/c/other").send().await();
    assertEquals("HIT", get("/c/elsewhere").getHeader("X-Cache"), "another host's URL is not invalidated");
    gw.client.put("/c/inv").send().await();
    assertEquals("MISS", get("/c/inv").getHeader("X-Cache"), "the target itself");
    status = 500;
    gw.client.post("/c/kept").send().await();
    status = 200;
    assertEquals("HIT", get("/c/kept").getHeader("X-Cache"), "a failed request invalidates nothing");
    gw.client.request(HttpMethod.OPTIONS, "/c/kept").send().await();
    assertEquals("HIT", get("/c/kept").getHeader("X-Cache"), "a safe method invalidates nothing");
  }

  @Test
  void aChunkedAnswerIsStoredWhenItFitsAndStreamsWholeWhenItDoesNot() {
    answer("/chunked", "Cache-Control", "max-age=600");
    HttpResponse<Buffer> small = get("/c/chunked?tens=100");
    assertEquals(1000, small.body().length());
    assertEquals("HIT", get("/c/chunked?tens=100").getHeader("X-Cache"), "a chunked answer of 1,000 bytes is kept");
    String large = "0123456789".repeat(20_000);
    HttpResponse<Buffer> first = get("/c/chunked?tens=20000");
    assertEquals(large, first.bodyAsString(), "past max-object-bytes: what was read, then the rest, intact");
    HttpResponse<Buffer> again = get("/c/chunked?tens=20000");
    assertEquals("MISS", again.getHeader("X-Cache"), "not kept");
    assertEquals(large, again.bodyAsString());
  }

  @Test
  void aChunkedAnswerThatWillNotBeKeptIsNotHeldBack(Vertx vertx) throws Exception {
    answer("/chunked-events", "Cache-Control", "no-store", "Content-Type", "text/event-stream");
    release = io.vertx.core.Promise.promise();
    java.util.concurrent.CompletableFuture<String> firstChunk = new java.util.concurrent.CompletableFuture<>();
    io.vertx.core.http.HttpClient client = vertx.createHttpClient();
    try {
      Future<Buffer> body = client.request(HttpMethod.GET, gw.gateway.actualPort(), "127.0.0.1", "/c/chunked-events")
          .compose(r -> r.send().compose(response -> {
            Buffer all = Buffer.buffer();
            response.handler(chunk -> {
              firstChunk.complete(chunk.toString());
              all.appendBuffer(chunk);
            });
            return response.end().map(all);
          }));
      assertEquals("01234", firstChunk.get(30, java.util.concurrent.TimeUnit.SECONDS).substring(0, 5),
          "the first chunk arrives while the origin still holds the rest");
      release.complete();
      assertEquals(1000, body.await().length());
    } finally {
      release.tryComplete();
      client.close().await();
    }
  }

  @Test
  void surrogateControlMeantForThisCacheWinsOverCacheControlAndStaysHere() {
    answer("/sc-fresh", "Surrogate-Control", "max-age=600", "Cache-Control", "no-store");
    get("/c/sc-fresh");
    HttpResponse<Buffer> hit = get("/c/sc-fresh");
    assertEquals("HIT", hit.getHeader("X-Cache"), "Surrogate-Control: max-age stores it despite no-store");
    assertEquals(null, hit.getHeader("Surrogate-Control"), "meant for the cache, not for the client");
    assertEquals("no-store", hit.getHeader("Cache-Control"), "the browser still gets its own directive");
    assertEquals("gantry=\"Surrogate/1.0\"", received.get(0).get("Surrogate-Capability"));
    answer("/sc-nostore", "Surrogate-Control", "no-store", "Cache-Control", "max-age=600");
    get("/c/sc-nostore");
    assertEquals("MISS", get("/c/sc-nostore").getHeader("X-Cache"));
    answer("/sc-other", "Surrogate-Control", "max-age=600;akamai", "Cache-Control", "no-store");
    get("/c/sc-other");
    assertEquals("MISS", get("/c/sc-other").getHeader("X-Cache"), "a directive targeted at another surrogate");
    answer("/sc-mine", "Surrogate-Control", "max-age=600;gantry", "Cache-Control", "no-store");
    get("/c/sc-mine");
    assertEquals("HIT", get("/c/sc-mine").getHeader("X-Cache"), "targeted at this one");
  }

  @Test
  void otherMethodsPassByAndAreCountedPerRoute() {
    answer("/post", "Cache-Control", "max-age=60");
    HttpResponse<Buffer> post = gw.client.post("/c/post").send().await();
    assertEquals("BYPASS", post.getHeader("X-Cache"));
    get("/c/post");
    get("/c/post");
    String metrics = gw.registry.scrape();
    assertTrue(metrics.contains("gantry_cache_requests_total{result=\"hit\",route=\"cached\"}"), metrics);
    assertTrue(metrics.contains("gantry_cache_bytes"), metrics);
    JsonObject stats = gw.admin.get("/admin/stats").bearerTokenAuthentication(GatewayHarness.TOKEN).send().await()
        .bodyAsJsonObject();
    assertEquals(1L, stats.getJsonObject("cache").getJsonObject("cached").getLong("hit"), stats.encode());
    assertTrue(stats.getLong("cacheBytes") > 0, "what the console's cache panel shows: " + stats.encode());
  }
}
