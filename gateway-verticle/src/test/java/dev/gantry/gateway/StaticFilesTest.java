package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.spec.GatewaySpec;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The static: target on a real directory: validators, ranges, the index, and attempts to get out of the root. */
@ExtendWith(VertxExtension.class)
class StaticFilesTest {
  private static final String SECRET = "TOP SECRET outside the root";
  private static final String SCRIPT = "console.log('gantry serves files');\n".repeat(60);
  @TempDir
  Path dir;
  private Path root;
  private final byte[] data = new byte[2560];
  private GatewayHarness gw;
  private HttpClient raw;

  @BeforeEach
  void start(Vertx vertx) throws IOException {
    root = Files.createDirectories(dir.resolve("public"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET);
    Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
    Files.writeString(root.resolve("app.js"), SCRIPT);
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    Files.write(root.resolve("data.bin"), data);
    Files.writeString(root.resolve("a b.txt"), "spaced");
    Files.write(root.resolve("empty.txt"), new byte[0]);
    Files.writeString(root.resolve(".env"), SECRET);
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), SECRET);
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/index.html"), "<h1>sub</h1>");
    Files.createDirectories(root.resolve("bare"));
    Files.writeString(root.resolve("bare/file.txt"), "bare");
    Files.createSymbolicLink(root.resolve("link-out.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("link-in.js"), root.resolve("app.js"));
    Files.createSymbolicLink(root.resolve("dirlink"), outside);
    gw = GatewayHarness.start(vertx, """
        upstreams: []
        routes:
          - {id: files, match: {path: /f/**}, rewrite: /, static: {root: '%1$s', cache-control: 'public, max-age=300'}}
          - {id: cdn, match: {path: /cdn/**}, rewrite: /, static: {root: '%1$s', cache-control: 'public, max-age=300'},
             policies: [{cache: {}}, {compress: {}}]}
          - {id: guarded, match: {path: /g/**}, rewrite: /, static: {root: '%1$s'}, policies: [{waf: {}}]}
          - {id: dots, match: {path: /d/**}, rewrite: /, static: {root: '%1$s', dotfiles: true, index: ''}}
        """.formatted(root));
    raw = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    raw.close().await();
    gw.stop();
  }

  private HttpResponse<Buffer> get(String path, String... headers) {
    var request = gw.client.get(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.send().await();
  }

  /**
   * Sends the request line exactly as written (no client-side normalisation); status and body.
   * The body is asked for inside the {@code send} composition: chained after it instead, the
   * callback can run after a short response has already ended, and {@code body()} then never
   * completes (this hung a CI run).
   */
  private Map.Entry<Integer, String> rawGet(String uri) {
    return raw.request(new RequestOptions().setPort(gw.gateway.actualPort()).setHost("127.0.0.1").setURI(uri))
        .compose(r -> r.send().compose(response -> response.body().map(body -> Map.entry(response.statusCode(),
            body.toString(StandardCharsets.ISO_8859_1))))).await();
  }

  @Test
  void aFileIsServedWithItsTypeLengthValidatorsAndCacheControl() {
    HttpResponse<Buffer> js = get("/f/app.js");
    assertEquals(200, js.statusCode());
    assertEquals(SCRIPT, js.bodyAsString());
    assertEquals("text/javascript; charset=utf-8", js.getHeader("Content-Type"), "RFC 9239's type for scripts");
    assertEquals(String.valueOf(SCRIPT.length()), js.getHeader("Content-Length"));
    assertNotNull(js.getHeader("ETag"));
    assertNotNull(js.getHeader("Last-Modified"));
    assertEquals("public, max-age=300", js.getHeader("Cache-Control"));
    assertEquals("bytes", js.getHeader("Accept-Ranges"));
    assertEquals("nosniff", js.getHeader("X-Content-Type-Options"));
    assertArrayEquals(data, get("/f/data.bin").body().getBytes());
    assertEquals("application/octet-stream", get("/f/data.bin").getHeader("Content-Type"));
    assertEquals("spaced", get("/f/a%20b.txt").bodyAsString());
    HttpResponse<Buffer> empty = get("/f/empty.txt");
    assertEquals(200, empty.statusCode());
    assertEquals("0", empty.getHeader("Content-Length"));
    HttpResponse<Buffer> head = gw.client.request(HttpMethod.HEAD, "/f/app.js").send().await();
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(SCRIPT.length()), head.getHeader("Content-Length"));
    assertNull(head.body());
    HttpResponse<Buffer> post = gw.client.post("/f/app.js").send().await();
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.getHeader("Allow"));
    assertEquals(404, get("/f/nothing.txt").statusCode());
  }

  @Test
  void aValidatorTheClientHoldsGets304AndAChangedFileGetsANewOne() throws IOException {
    HttpResponse<Buffer> first = get("/f/app.js");
    String etag = first.getHeader("ETag");
    String modified = first.getHeader("Last-Modified");
    assertEquals(304, get("/f/app.js", "If-None-Match", etag).statusCode());
    assertEquals(304, get("/f/app.js", "If-None-Match", "\"other\", W/" + etag).statusCode(), "weak comparison");
    assertEquals(304, get("/f/app.js", "If-Modified-Since", modified).statusCode());
    HttpResponse<Buffer> notModified = get("/f/app.js", "If-None-Match", "*");
    assertEquals(304, notModified.statusCode());
    assertEquals(etag, notModified.getHeader("ETag"));
    assertEquals("public, max-age=300", notModified.getHeader("Cache-Control"));
    assertEquals(200, get("/f/app.js", "If-None-Match", "\"other\"", "If-Modified-Since", modified).statusCode(),
        "If-None-Match decides when both are sent");
    String before = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(Instant.now().minusSeconds(3600));
    assertEquals(200, get("/f/app.js", "If-Modified-Since", before).statusCode());
    assertEquals(412, get("/f/app.js", "If-Match", "\"other\"").statusCode());
    assertEquals(200, get("/f/app.js", "If-Match", etag).statusCode());

    Files.setLastModifiedTime(root.resolve("app.js"), FileTime.from(Instant.now().plusSeconds(60)));
    HttpResponse<Buffer> changed = get("/f/app.js", "If-None-Match", etag);
    assertEquals(200, changed.statusCode());
    assertNotEquals(etag, changed.getHeader("ETag"));
  }

  @Test
  void oneByteRangeIsServedAnd416WhenNothingOfItExists() {
    HttpResponse<Buffer> head10 = get("/f/data.bin", "Range", "bytes=0-9");
    assertEquals(206, head10.statusCode());
    assertEquals("bytes 0-9/2560", head10.getHeader("Content-Range"));
    assertEquals("10", head10.getHeader("Content-Length"));
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 10), head10.body().getBytes());
    HttpResponse<Buffer> tail = get("/f/data.bin", "Range", "bytes=2550-");
    assertEquals("bytes 2550-2559/2560", tail.getHeader("Content-Range"));
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 2550, 2560), tail.body().getBytes());
    HttpResponse<Buffer> suffix = get("/f/data.bin", "Range", "bytes=-5");
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 2555, 2560), suffix.body().getBytes());
    assertEquals("bytes 100-2559/2560", get("/f/data.bin", "Range", "bytes=100-999999").getHeader("Content-Range"));

    for (String unsatisfiable : List.of("bytes=-0", "bytes=2560-", "bytes=9999-10000")) {
      HttpResponse<Buffer> r = get("/f/data.bin", "Range", unsatisfiable);
      assertEquals(416, r.statusCode(), unsatisfiable);
      assertEquals("bytes */2560", r.getHeader("Content-Range"), unsatisfiable);
    }
    assertEquals(416, get("/f/empty.txt", "Range", "bytes=0-0").statusCode());

    StringBuilder many = new StringBuilder("bytes=0-0");
    for (int i = 1; i < 400; i++) {
      many.append(',').append(i).append('-').append(i);
    }
    StringBuilder huge = new StringBuilder(many);
    for (int i = 400; i < 5000; i++) {
      huge.append(',').append(i).append('-').append(i);
    }
    assertEquals(431, get("/f/data.bin", "Range", huge.toString()).statusCode(), "the edge refuses the field first");
    for (String ignored : List.of("bytes=5-2", "bytes=0-1,3-4", many.toString(), "items=0-5", "bytes=a-b", "bytes=--1",
        "bytes=-99999999999999999999")) {
      HttpResponse<Buffer> r = get("/f/data.bin", "Range", ignored);
      assertEquals(200, r.statusCode(), ignored.length() > 40 ? "400 ranges" : ignored);
      assertEquals(data.length, r.body().length());
    }
    String etag = head10.getHeader("ETag");
    assertEquals(206, get("/f/data.bin", "Range", "bytes=0-9", "If-Range", etag).statusCode());
    assertEquals(200, get("/f/data.bin", "Range", "bytes=0-9", "If-Range", "\"old\"").statusCode(),
        "a range of a representation the client no longer has is not served");
    assertEquals(200, gw.client.request(HttpMethod.HEAD, "/f/data.bin").putHeader("Range", "bytes=0-9").send().await()
        .statusCode());
  }

  @Test
  void aDirectoryServesItsIndexAfterASlash() {
    assertEquals("<h1>home</h1>", get("/f/").bodyAsString());
    assertTrue(get("/f/").getHeader("Content-Type").startsWith("text/html"));
    HttpResponse<Buffer> bare = gw.client.get("/f/sub?x=1").followRedirects(false).send().await();
    assertEquals(301, bare.statusCode());
    assertEquals("/f/sub/?x=1", bare.getHeader("Location"));
    assertEquals("<h1>sub</h1>", get("/f/sub/").bodyAsString());
    assertEquals(404, get("/f/bare/").statusCode(), "a directory without an index is not listed");
    assertEquals(404, get("/f/bare").statusCode());
    assertEquals(404, get("/f/app.js/").statusCode(), "a file is not a directory");
    assertEquals(404, get("/d/sub/").statusCode(), "index: '' serves no index");
  }

  @Test
  void nothingOutsideTheRootNorAnyLinkNorADotfileIsServed() {
    List<String> attacks = List.of("/f/../outside/secret.txt", "/f/%2e%2e/outside/secret.txt",
        "/f/%2E%2E/%2E%2E/outside/secret.txt", "/f/..%2Foutside%2Fsecret.txt", "/f/..%2foutside%2fsecret.txt",
        "/f/sub/..%5c..%5coutside%5csecret.txt", "/f/%5c..%5coutside%5csecret.txt", "/f/app.js%00.txt",
        "/f/%00", "/f/link-out.txt", "/f/link-in.js", "/f/dirlink/secret.txt", "/f/.env", "/f/.git/config",
        "/f/%2eenv", "/f/%2egit/config", "/f//..//outside/secret.txt", "/f/sub/%2e%2e/%2e%2e/outside/secret.txt",
        "/f/%c0%ae%c0%ae/outside/secret.txt", "/f/%252e%252e/outside/secret.txt", "/f/" + root.getParent()
            + "/outside/secret.txt", "/f/.%2e/outside/secret.txt");
    List<String> leaked = new ArrayList<>();
    for (String uri : attacks) {
      Map.Entry<Integer, String> r = rawGet(uri);
      if (r.getKey() == 200 || r.getValue().contains("TOP SECRET")) {
        leaked.add(uri + " -> " + r.getKey());
      }
      assertFalse(r.getKey() >= 500, uri + " -> " + r.getKey());
    }
    assertTrue(leaked.isEmpty(), String.join("\n", leaked));
    assertEquals(404, get("/f/.env").statusCode());
    assertEquals(404, get("/f/link-in.js").statusCode(), "a link inside the root is refused too");
    assertEquals(200, get("/d/.env").statusCode(), "dotfiles: true serves them");
    assertEquals(404, get("/d/link-out.txt").statusCode());
  }

  @Test
  void filesGoThroughTheRoutesPoliciesCachedAndCompressed() throws Exception {
    HttpResponse<Buffer> first = get("/cdn/app.js", "Accept-Encoding", "gzip");
    assertEquals("MISS", first.getHeader("X-Cache"));
    assertEquals("gzip", first.getHeader("Content-Encoding"));
    assertTrue(first.body().length() < SCRIPT.length());
    HttpResponse<Buffer> second = get("/cdn/app.js", "Accept-Encoding", "gzip");
    assertEquals("HIT", second.getHeader("X-Cache"));
    assertEquals("gzip", second.getHeader("Content-Encoding"));
    assertArrayEquals(first.body().getBytes(), second.body().getBytes());
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(second.body().getBytes()))) {
      assertEquals(SCRIPT, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(1.0, gw.registry.find("gantry_compress_responses").tag("route", "cdn").counters().stream()
        .mapToDouble(Counter::count).sum());
    assertEquals(304, get("/cdn/app.js", "Accept-Encoding", "gzip", "If-None-Match", second.getHeader("ETag"))
        .statusCode());
    HttpResponse<Buffer> plain = get("/cdn/app.js");
    assertNull(plain.getHeader("Content-Encoding"));
    assertEquals(SCRIPT, plain.bodyAsString());
    HttpResponse<Buffer> ranged = get("/cdn/data.bin", "Range", "bytes=0-9");
    assertEquals(206, ranged.statusCode());
    assertEquals(10, ranged.body().length());

    HttpResponse<Buffer> blocked = get("/g/index.html?q=1%27%20or%20%271%27%3D%271");
    assertEquals(403, blocked.statusCode(), "the WAF sees requests for files too");
    assertEquals(200, get("/g/index.html?q=shoes").statusCode());
  }

  @Test
  void aStaticTargetIsCheckedLikeAnyOtherNamingTheField() {
    ServiceException typo = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "routes:\n  - {id: s, match: {path: /s/**}, static: {rooot: ./public}}\n"));
    assertEquals("routes[0].static.rooot: unknown field (did you mean root?)", typo.detail());
    ServiceException both = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "upstreams: [{name: up, targets: [{url: 'http://127.0.0.1:1'}]}]\n"
            + "routes:\n  - {id: s, match: {path: /s/**}, upstream: up, static: {root: ./public}}\n"));
    assertEquals("routes[0].upstream: exactly one of upstream, service, static, graphql or aggregate is required", both.detail());
    ServiceException index = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "routes:\n  - {id: s, match: {path: /s/**}, static: {root: ./public, index: ../x.html}}\n"));
    assertTrue(index.detail().startsWith("routes[0].static.index:"), index.detail());
  }
}
