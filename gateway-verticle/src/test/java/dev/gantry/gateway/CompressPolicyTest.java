package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.decoder.Decoder;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The compress policy against an origin whose every answer the test sets; alone and inside the cache. */
@ExtendWith(VertxExtension.class)
class CompressPolicyTest {
  /** 4 KiB of text that compresses well. */
  private static final String TEXT = "gantry compresses what it is asked to. ".repeat(105);
  private HttpServer origin;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, String> lastIfNoneMatch = new ConcurrentHashMap<>();
  private GatewayHarness gw;

  /** What the origin answers on a path: status, headers, body, and whether it streams it chunked (no length). */
  private record Answer(int status, MultiMap headers, String body, boolean chunked) {}

  @BeforeEach
  void start(Vertx vertx) {
    origin = vertx.createHttpServer().requestHandler(req -> {
      calls.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
      String inm = req.getHeader("If-None-Match");
      if (inm != null) {
        lastIfNoneMatch.put(req.path(), inm);
      }
      Answer a = answers.getOrDefault(req.path(), new Answer(404, MultiMap.caseInsensitiveMultiMap(), "", false));
      String etag = a.headers().get("ETag");
      if (etag != null && etag.equals(inm)) {
        req.response().setStatusCode(304).headers().addAll(a.headers());
        req.response().end();
        return;
      }
      req.response().setStatusCode(a.status()).headers().addAll(a.headers());
      if (a.chunked()) {
        req.response().setChunked(true).write(a.body());
        req.response().end();
      } else {
        req.response().end(a.body());
      }
    });
    origin.listen(0, "127.0.0.1").await();
    gw = GatewayHarness.start(vertx, """
        upstreams:
          - {name: origin, targets: [{url: 'http://127.0.0.1:%d'}]}
        routes:
          - {id: plain, match: {path: /z/**}, upstream: origin, rewrite: /, policies: [{compress: {}}]}
          - {id: small, match: {path: /s/**}, upstream: origin, rewrite: /, policies: [{compress: {max-bytes: 2048}}]}
          - {id: twice, match: {path: /t/**}, upstream: origin, rewrite: /, policies: [{compress: {}}, {compress: {}}]}
          - {id: cached, match: {path: /c/**}, upstream: origin, rewrite: /, policies: [{compress: {}}, {cache: {}}]}
        """.formatted(origin.actualPort()));
  }

  @AfterEach
  void stop() {
    gw.stop();
    origin.close().await();
  }

  private void answer(String path, String body, String... headers) {
    answers.put(path, new Answer(200, headers(headers), body, false));
  }

  private static MultiMap headers(String... pairs) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      map.add(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private HttpResponse<Buffer> get(String path, String... headers) {
    var request = gw.client.get(path);
    request.headers().addAll(headers(headers));
    return request.send().await();
  }

  private int calls(String path) {
    AtomicInteger n = calls.get(path);
    return n == null ? 0 : n.get();
  }

  private double compressions(String route) {
    return gw.registry.find("gantry_compress_responses").tag("route", route).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /** The body as the client reads it after undoing its Content-Encoding. */
  private static String decoded(HttpResponse<Buffer> r) throws Exception {
    String coding = r.getHeader("Content-Encoding");
    byte[] bytes = r.body() == null ? new byte[0] : r.body().getBytes();
    if (coding == null) {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (coding.equals("gzip")) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    assertEquals("br", coding);
    return new String(Decoder.decompress(bytes).getDecompressedData(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void theCodingFollowsAcceptEncodingWeightsAsRfc9110Says() throws Exception {
    answer("/page", TEXT, "Content-Type", "text/html; charset=utf-8");
    String[][] table = {
        {null, null}, // no field: the body as it is
        {"", null}, // an empty field asks for no coding
        {"gzip", "gzip"},
        {"br", "br"},
        {"gzip, br", "br"}, // equal weight: the server's order (br first)
        {"br;q=0.5, gzip", "gzip"},
        {"GZIP;Q=1.0", "gzip"},
        {"x-gzip", "gzip"},
        {"gzip;q=0, br;q=0", null}, // q=0 refuses
        {"*", "br"},
        {"*;q=0.2, br;q=0", "gzip"}, // * names what is not named
        {"identity;q=0, gzip;q=0.001", "gzip"},
        {"gzip;q=0.5, identity", null}, // identity weighs more
        {"gzip;q=0.5, *;q=0", "gzip"},
        {"deflate, compress", null}, // nothing offered that it takes
        {"identity;q=0, deflate", null}, // nothing acceptable: identity all the same, not a 406
        {"gzip;q=1.5, br;q=abc", null}, // malformed weights: those elements are ignored
        {"br;q=0.001, gzip;q=0.0001", "br"}, // four decimals are malformed too
    };
    List<String> wrong = new ArrayList<>();
    for (String[] row : table) {
      HttpResponse<Buffer> r = row[0] == null ? get("/z/page") : get("/z/page", "Accept-Encoding", row[0]);
      if (!java.util.Objects.equals(row[1], r.getHeader("Content-Encoding"))) {
        wrong.add("'" + row[0] + "' gave " + r.getHeader("Content-Encoding") + ", expected " + row[1]);
      }
      assertEquals(200, r.statusCode());
      assertEquals(TEXT, decoded(r), row[0]);
      assertEquals(String.valueOf(r.body().length()), r.getHeader("Content-Length"), row[0]);
      assertEquals("Accept-Encoding", r.getHeader("Vary"), row[0]);
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  @Test
  void onlyConfiguredTypesOfAtLeastTheMinimumSizeAreCompressed() throws Exception {
    answer("/json", TEXT, "Content-Type", "application/json; charset=utf-8");
    answer("/svg", TEXT, "Content-Type", "IMAGE/SVG+XML");
    answer("/png", TEXT, "Content-Type", "image/png");
    answer("/none", TEXT);
    answer("/tiny", "x".repeat(1023), "Content-Type", "text/plain");
    answer("/min", "x".repeat(1024), "Content-Type", "text/plain");
    assertEquals("gzip", get("/z/json", "Accept-Encoding", "gzip").getHeader("Content-Encoding"));
    assertEquals("gzip", get("/z/svg", "Accept-Encoding", "gzip").getHeader("Content-Encoding"));
    HttpResponse<Buffer> png = get("/z/png", "Accept-Encoding", "gzip");
    assertNull(png.getHeader("Content-Encoding"));
    assertNull(png.getHeader("Vary"), "a type never compressed does not vary by coding");
    assertNull(get("/z/none", "Accept-Encoding", "gzip").getHeader("Content-Encoding"));
    HttpResponse<Buffer> tiny = get("/z/tiny", "Accept-Encoding", "gzip");
    assertNull(tiny.getHeader("Content-Encoding"));
    assertEquals("Accept-Encoding", tiny.getHeader("Vary"), "another version of it might be larger");
    assertEquals("gzip", get("/z/min", "Accept-Encoding", "gzip").getHeader("Content-Encoding"));
  }

  @Test
  void bodiesOverMaxBytesOrOfUnknownLengthPassAsTheyAre() throws Exception {
    answer("/big", TEXT, "Content-Type", "text/plain");
    answers.put("/chunked", new Answer(200, headers("Content-Type", "text/plain"), TEXT, true));
    HttpResponse<Buffer> big = get("/s/big", "Accept-Encoding", "gzip");
    assertNull(big.getHeader("Content-Encoding"));
    assertEquals(TEXT, big.bodyAsString());
    HttpResponse<Buffer> chunked = get("/z/chunked", "Accept-Encoding", "gzip");
    assertNull(chunked.getHeader("Content-Encoding"));
    assertEquals(TEXT, chunked.bodyAsString());
    assertEquals("Accept-Encoding", chunked.getHeader("Vary"));
  }

  @Test
  void anEncodedNoTransformHeadOrRangedAnswerIsNeverCompressedAgain() throws Exception {
    byte[] gz = gzip(TEXT);
    answers.put("/pre", new Answer(200, headers("Content-Type", "text/plain", "Content-Encoding", "gzip"),
        TEXT, false));
    answer("/nt", TEXT, "Content-Type", "text/plain", "Cache-Control", "no-transform");
    answer("/page", TEXT, "Content-Type", "text/plain");
    HttpResponse<Buffer> pre = get("/z/pre", "Accept-Encoding", "br, gzip");
    assertEquals("gzip", pre.getHeader("Content-Encoding"));
    assertEquals(TEXT, pre.bodyAsString(), "the origin's bytes, untouched (it lied about them; we did not look)");
    assertNull(get("/z/nt", "Accept-Encoding", "gzip").getHeader("Content-Encoding"));
    HttpResponse<Buffer> head = gw.client.request(HttpMethod.HEAD, "/z/page").putHeader("Accept-Encoding", "gzip")
        .send().await();
    assertNull(head.getHeader("Content-Encoding"));
    assertEquals("Accept-Encoding", head.getHeader("Vary"));
    assertNull(get("/z/page", "Accept-Encoding", "gzip", "Range", "bytes=0-9").getHeader("Content-Encoding"));
    HttpResponse<Buffer> twice = get("/t/page", "Accept-Encoding", "gzip");
    assertEquals("gzip", twice.getHeader("Content-Encoding"));
    assertEquals(TEXT, decoded(twice), "two compress policies on a route compress once");
    assertEquals(1.0, compressions("twice"));
    assertTrue(gz.length > 0);
  }

  @Test
  void varyIsMergedAndTheETagNamesTheCoding() throws Exception {
    answer("/origin", TEXT, "Content-Type", "text/plain", "Vary", "Origin", "ETag", "\"v1\"");
    answer("/already", TEXT, "Content-Type", "text/plain", "Vary", "accept-encoding, Origin", "ETag", "W/\"v2\"");
    answer("/star", TEXT, "Content-Type", "text/plain", "Vary", "*");
    HttpResponse<Buffer> merged = get("/z/origin", "Accept-Encoding", "gzip");
    assertEquals("Origin, Accept-Encoding", merged.getHeader("Vary"));
    assertEquals("\"v1-gzip\"", merged.getHeader("ETag"));
    HttpResponse<Buffer> identity = get("/z/origin");
    assertEquals("\"v1\"", identity.getHeader("ETag"), "the identity body keeps the origin's tag");
    HttpResponse<Buffer> already = get("/z/already", "Accept-Encoding", "br");
    assertEquals("accept-encoding, Origin", already.getHeader("Vary"));
    assertEquals("W/\"v2-br\"", already.getHeader("ETag"));
    assertEquals("*", get("/z/star", "Accept-Encoding", "gzip").getHeader("Vary"));
  }

  @Test
  void aValidatorForTheCodedBodyIsCheckedByTheOriginAgainstItsOwnTag() {
    answer("/tagged", TEXT, "Content-Type", "text/plain", "ETag", "\"v1\"");
    HttpResponse<Buffer> notModified = get("/z/tagged", "Accept-Encoding", "gzip", "If-None-Match", "\"v1-gzip\"");
    assertEquals(304, notModified.statusCode());
    assertEquals("\"v1\"", lastIfNoneMatch.get("/tagged"));
    assertEquals("\"v1-gzip\"", notModified.getHeader("ETag"));
    assertEquals("Accept-Encoding", notModified.getHeader("Vary"));
  }

  @Test
  void aCachedCompressedVariantIsAHitWithoutCompressingAgain() throws Exception {
    answer("/doc", TEXT, "Content-Type", "text/plain", "Cache-Control", "max-age=60", "ETag", "\"d1\"");
    HttpResponse<Buffer> first = get("/c/doc", "Accept-Encoding", "gzip, br;q=0.5");
    assertEquals("MISS", first.getHeader("X-Cache"));
    assertEquals("gzip", first.getHeader("Content-Encoding"));
    HttpResponse<Buffer> second = get("/c/doc", "Accept-Encoding", "br;q=0.5,gzip");
    assertEquals("HIT", second.getHeader("X-Cache"), "the same weights, spelt otherwise, are the same variant");
    assertEquals("gzip", second.getHeader("Content-Encoding"));
    assertArrayEquals(first.body().getBytes(), second.body().getBytes());
    assertEquals(TEXT, decoded(second));
    assertEquals(1.0, compressions("cached"), "served from the cache, not compressed again");
    assertEquals(1, calls("/doc"));

    HttpResponse<Buffer> br = get("/c/doc", "Accept-Encoding", "br");
    assertEquals("MISS", br.getHeader("X-Cache"));
    assertEquals("br", br.getHeader("Content-Encoding"));
    HttpResponse<Buffer> plain = get("/c/doc");
    assertEquals("MISS", plain.getHeader("X-Cache"));
    assertNull(plain.getHeader("Content-Encoding"));
    assertEquals(TEXT, plain.bodyAsString());
    assertEquals("HIT", get("/c/doc", "Accept-Encoding", "br").getHeader("X-Cache"));
    assertEquals("HIT", get("/c/doc").getHeader("X-Cache"));
    HttpResponse<Buffer> third = get("/c/doc", "Accept-Encoding", "gzip, br;q=0.5");
    assertEquals("HIT", third.getHeader("X-Cache"));
    assertEquals("gzip", third.getHeader("Content-Encoding"));
    assertEquals(3, calls("/doc"));
    assertEquals(2.0, compressions("cached"));
    HttpResponse<Buffer> revalidated = get("/c/doc", "Accept-Encoding", "gzip", "If-None-Match", third.getHeader("ETag"));
    assertEquals(304, revalidated.statusCode(), "the client's copy of the coded body is still good");
  }

  @Test
  void aStaleCompressedVariantIsRevalidatedThroughTheCompressor() throws Exception {
    answer("/stale", TEXT, "Content-Type", "text/plain", "Cache-Control", "max-age=0", "ETag", "\"s1\"");
    HttpResponse<Buffer> first = get("/c/stale", "Accept-Encoding", "gzip");
    assertEquals("gzip", first.getHeader("Content-Encoding"));
    assertEquals("\"s1-gzip\"", first.getHeader("ETag"));
    HttpResponse<Buffer> second = get("/c/stale", "Accept-Encoding", "gzip");
    assertEquals("REVALIDATED", second.getHeader("X-Cache"));
    assertEquals("\"s1\"", lastIfNoneMatch.get("/stale"), "the origin is asked about its own tag");
    assertEquals("gzip", second.getHeader("Content-Encoding"));
    assertEquals("\"s1-gzip\"", second.getHeader("ETag"));
    assertEquals(TEXT, decoded(second));
    assertEquals(1.0, compressions("cached"));
  }

  private static byte[] gzip(String text) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
