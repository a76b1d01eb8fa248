package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one path normalisation, end to end: each request target goes over a raw socket to a
 * gateway whose routes expose only {@code /public/**}, {@code /t/{name}} (rewritten to
 * {@code /x/{name}}), {@code /rw/**} (rewritten to {@code /inner/}) and {@code /files/**} (which
 * accepts encoded slashes), in front of an upstream that would serve any path. The table says
 * what path the upstream must receive, or that the gateway answers 400 or 404 itself — in which
 * case the upstream must not have been asked at all.
 */
@ExtendWith(VertxExtension.class)
class PathNormalisationTest {
  private static final String BAD = "400";
  private static final String NONE = "404";
  private TestUpstream upstream;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
            "{id: public, match: {path: /public/**}, upstream: up}",
            "{id: template, match: {path: '/t/{name}'}, upstream: up, rewrite: '/x/{name}'}",
            "{id: rewritten, match: {path: /rw/**}, upstream: up, rewrite: /inner/}",
            "{id: files, match: {path: /files/**, allow-encoded-slash: true}, upstream: up}"));
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.stop();
  }

  private String host() {
    return "127.0.0.1:" + gw.gateway.actualPort();
  }

  /** Target → path the upstream sees, or 400/404 answered by the gateway. */
  private List<String[]> table() {
    String h = host();
    return List.of(new String[][] {
        // plain paths pass unchanged
        {"/public/a", "/public/a"}, {"/public/a/b/c", "/public/a/b/c"}, {"/public", "/public"},
        {"/public/", "/public/"}, {"/public/a?x=1", "/public/a?x=1"}, {"/public/a?x=%20y", "/public/a?x=%20y"},
        // dot segments are removed (RFC 3986 §5.2.4), never above the root, before matching
        {"/public/../internal/secret", NONE}, {"/public/./a", "/public/a"}, {"/public/a/../b", "/public/b"},
        {"/public/a/./b/../c", "/public/a/c"}, {"/public/a/..", "/public/"}, {"/public/a/.", "/public/a/"},
        {"/../public/a", "/public/a"}, {"/public/../../public/x", "/public/x"}, {"/public/..", NONE},
        {"/public/a/../../internal", NONE}, {"/./public/a", "/public/a"}, {"/public/...", "/public/..."},
        {"/public/..a", "/public/..a"}, {"/public/a..", "/public/a.."}, {"/rw/../internal", NONE},
        {"/rw/a/../../internal", NONE}, {"/t/..", NONE}, {"/t/a/../b", "/x/b"}, {"//../internal", NONE},
        // encoded dots that would form a dot segment are refused; inside a name they are decoded
        {"/public/%2e%2e/internal/secret", BAD}, {"/public/%2E%2E/internal", BAD}, {"/public/.%2e/internal", BAD},
        {"/public/%2e./internal", BAD}, {"/public/%2e/a", BAD}, {"/public/a%2ejson", "/public/a.json"},
        {"/public/%2e%2e%2finternal", BAD}, {"/t/%2e%2e", BAD}, {"/rw/%2e%2e/internal", BAD},
        {"/%2e%2e/internal", BAD}, {"/%2e/public/a", BAD}, {"/public/.%2E", BAD}, {"/public/%2E", BAD},
        {"/public/a/%2e%2e", BAD}, {"/public/A%2e%2E", "/public/A.."}, {"/public/a%2Eb", "/public/a.b"},
        // encoded slashes and backslashes
        {"/public/..%2finternal", BAD}, {"/public/..%2Finternal", BAD}, {"/public/..%5cinternal", BAD},
        {"/public/..%5Cinternal", BAD}, {"/public/a%2fb", BAD}, {"/public/a%2Fb", BAD}, {"/files/a%2fb", "/files/a%2Fb"},
        {"/files/a%2F..%2Fb", BAD}, {"/files/..%2f..%2fetc", BAD}, {"/t/a%2Fb", BAD}, {"/t/..%2Finternal", BAD},
        {"/public/%2fa", BAD}, {"/public%2f../internal", BAD}, {"/public%2finternal", BAD},
        {"/public/%2e%2e%5c", BAD}, {"/public/a%5Cb", BAD},
        // raw backslashes
        {"/public/..\\internal", BAD}, {"/public\\..\\internal", BAD}, {"/public/a\\b", BAD},
        // double encoding stays encoded: the upstream decodes once and sees a literal %2e
        {"/public/%252e%252e/internal", "/public/%252e%252e/internal"},
        {"/public/..%252f..%252finternal", "/public/..%252f..%252finternal"}, {"/public/%2525", "/public/%2525"},
        // dot segments with parameters (servlet containers strip ;params before resolving)
        {"/public/..;/internal", BAD}, {"/public/.;x/a", BAD}, {"/public/%2e%2e;/internal", BAD},
        {"/public/a;jsessionid=1", "/public/a;jsessionid=1"}, {"/t/a;b", "/x/a;b"},
        {"/public/..%3B/internal/secret", BAD}, {"/public/%2e%2e%3b/internal", BAD}, {"/public/.%3bx/a", BAD},
        {"/public/a%3Bb", "/public/a%3Bb"},
        // empty segments collapse
        {"//public/a", "/public/a"}, {"/public//a", "/public/a"}, {"/public///a//b", "/public/a/b"},
        {"/public/a//", "/public/a/"}, {"//internal/secret", NONE},
        // unreserved characters are decoded, the rest written with upper-case hex
        {"/%70ublic/a", "/public/a"}, {"/public/%61%62%63", "/public/abc"}, {"/public/%7e", "/public/~"},
        {"/public/%2D%5F", "/public/-_"}, {"/public/%20", "/public/%20"}, {"/public/%3f", "/public/%3F"},
        {"/public/%23", "/public/%23"}, {"/public/%25", "/public/%25"}, {"/public/%7Euser", "/public/~user"},
        {"/public/a%20b", "/public/a%20b"}, {"/t/%41", "/x/A"}, {"/t/%7Bname%7D", "/x/%7Bname%7D"},
        // UTF-8 must be valid: no overlongs, surrogates, truncation or stray bytes
        {"/public/%c3%a9", "/public/%C3%A9"}, {"/public/%e2%82%ac", "/public/%E2%82%AC"},
        {"/public/%f0%9f%98%80", "/public/%F0%9F%98%80"}, {"/public/%E2%80%AE", "/public/%E2%80%AE"},
        {"/public/%c0%ae%c0%ae/internal", BAD}, {"/public/%e0%80%ae", BAD}, {"/public/%c0%af", BAD},
        {"/public/%ed%a0%80", BAD}, {"/public/%f4%90%80%80", BAD}, {"/public/%ff", BAD}, {"/public/%c3", BAD},
        {"/public/%c3%28", BAD}, {"/public/%80", BAD}, {"/public/%f5%80%80%80", BAD}, {"/public/%c1%bf", BAD},
        // invalid percent-encoding
        {"/public/%", BAD}, {"/public/%2", BAD}, {"/public/%zz", BAD}, {"/public/%%%", BAD}, {"/public/a%g0", BAD},
        {"/public/%%32%65", BAD}, {"/public/%u002e%u002e/x", BAD}, {"/public/%2", BAD}, {"/public/a%", BAD},
        // control characters, raw or encoded
        {"/public/%00", BAD}, {"/public/a%00.json", BAD}, {"/public/%0a", BAD}, {"/public/%0d%0aX-Injected:%20a", BAD},
        {"/public/%7f", BAD}, {"/public/%1b", BAD}, {"/public/.%00./internal", BAD}, {"/public/a/..%00/", BAD},
        {"/public/a\u0000b", BAD}, {"/public/a\u0001b", BAD}, {"/public/a\u007fb", BAD}, {"/public/a\u001bb", BAD},
        {"/public/a\u0008b", BAD},
        // characters outside RFC 3986 are encoded; a fragment, a space and raw non-ASCII are refused
        {"/public/a\"b", "/public/a%22b"}, {"/public/a<b>c", "/public/a%3Cb%3Ec"}, {"/public/a{b}c", "/public/a%7Bb%7Dc"},
        {"/public/a|b", "/public/a%7Cb"}, {"/public/a^b", "/public/a%5Eb"}, {"/public/a`b", "/public/a%60b"},
        {"/public/a#frag", BAD}, {"/public/\u00c3\u00a9", BAD}, {"/public/a\u00ffb", BAD},
        // sub-delimiters, ':' and '@' are kept as they are
        {"/public/a!$&'()*+,;=:@b", "/public/a!$&'()*+,;=:@b"}, {"/public/a:b@c", "/public/a:b@c"},
        {"/public/~user", "/public/~user"}, {"/public/a+b", "/public/a+b"},
        // templates and rewrites use the normalised path
        {"/t/abc", "/x/abc"}, {"/t/a.b", "/x/a.b"}, {"/rw/a", "/inner/a"}, {"/rw", "/inner/"},
        {"/rw/./a/b/../c", "/inner/a/c"},
        // absolute-form targets go through the same normaliser; their host must be the Host
        {"http://" + h + "/public/a", "/public/a"}, {"http://" + h + "/public/../internal", NONE},
        {"http://" + h + "/public/%2e%2e/internal", BAD}, {"http://other.example/public/a", BAD},
        {"HTTP://" + h + "/public/a", "/public/a"}, {"https://" + h + "/public/a", "/public/a"},
        {"http://" + h, NONE}, {"http://" + h + "?x=1", NONE}, {"ftp://" + h + "/public/a", BAD},
        {"http:///public/a", BAD}, {"http://" + h + "/public/a#x", BAD}, {"http://x@" + h + "/public/a", BAD},
        {"*", BAD}, {"public/a", BAD},
        // the query is checked (percent-encoding, no control characters), not changed
        {"/public/a?cursor=%%%", BAD}, {"/public/a?x=%zz", BAD}, {"/public/a?x=%2", BAD},
        {"/public/a?x=a%00", "/public/a?x=a%00"}, {"/public/a?x=1&y=2", "/public/a?x=1&y=2"},
        {"/public/a?x=../../etc", "/public/a?x=../../etc"}, {"/public/a?x=%2e%2e%2f", "/public/a?x=%2e%2e%2f"},
        {"/public/a?x=\u00e9", BAD}, {"/public/a?a=%7B%7D", "/public/a?a=%7B%7D"},
        {"/public/a?x=\u0001", BAD}, {"/public/a?x=%", BAD},
        // what no route exposes stays unreachable
        {"/internal/secret", NONE}, {"/PUBLIC/a", NONE}, {"/", NONE},
    });
  }

  @Test
  void theUpstreamSeesOnlyTheNormalisedPathAndNothingOutsideTheRoutes() {
    List<String[]> table = table();
    assertTrue(table.size() >= 150, "the table has " + table.size() + " request targets");
    List<String> wrong = new ArrayList<>();
    for (String[] row : table) {
      String target = row[0];
      String expected = row[1];
      int before = upstream.requests.get();
      RawHttp.Response response = RawHttp.exchange(gw.gateway.actualPort(),
          "GET " + target + " HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
      int asked = upstream.requests.get() - before;
      String seen;
      if (expected.equals(BAD) || expected.equals(NONE)) {
        seen = response.status() + (response.isProblem() ? "" : " (not problem+json)") + (asked == 0 ? ""
            : " (upstream asked for " + upstream.lastPath + ")");
        if (!seen.equals(expected)) {
          wrong.add(target + " → " + seen + ", expected " + expected);
        }
      } else {
        seen = response.status() == 200 ? new JsonObject(response.body()).getString("path") : response.status()
            + " " + response.body();
        if (!expected.equals(seen) || asked != 1) {
          wrong.add(target + " → " + seen + ", expected upstream path " + expected);
        }
      }
    }
    assertEquals(List.of(), wrong, wrong.size() + " of " + table.size() + " targets handled wrongly");
  }
}
