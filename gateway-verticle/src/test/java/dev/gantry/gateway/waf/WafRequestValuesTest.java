package dev.gantry.gateway.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.security.TextKey;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URLDecoder;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How a request's values are numbered and read: one number per distinct text, whatever the
 * fields holding it (the caches of transformed values and outcomes are keyed by it), also when an
 * attacker floods the request with texts sharing a hash; query arguments split as the plain
 * reading splits them; header names lower-cased as {@link String#toLowerCase} does.
 */
class WafRequestValuesTest {
  private static final Collection[] READ = {Collection.QUERY, Collection.ARGS, Collection.ARG_NAMES,
      Collection.HEADERS, Collection.HEADER_NAMES, Collection.COOKIES, Collection.COOKIE_NAMES, Collection.ERRORS};

  /** Every field's number against a plain map from text to the number of its first appearance. */
  private static void assertNumberedByText(WafRequest r) {
    Map<String, Integer> seen = new HashMap<>();
    List<Field> all = new ArrayList<>();
    for (Collection c : Collection.values()) {
      all.addAll(r.fields(c));
    }
    for (Field f : all) {
      Integer earlier = seen.putIfAbsent(f.value(), f.index());
      if (earlier != null) {
        assertEquals(earlier, f.index(), () -> "the text " + f.value() + " has two numbers");
      }
    }
    assertEquals(seen.size(), r.distinct(), "distinct texts");
    assertEquals(seen.size(), seen.values().stream().distinct().count(), "two texts share a number");
  }

  @Test
  void eachDistinctTextHasOneNumberWhateverTheFieldsHoldingIt() {
    Random random = new Random(20261127);
    String[] words = {"a", "b", "q", "1", "2", "page", "x y", "%41", "+", "", "Aa", "BB", "dark"}; // "Aa", "BB": one hash
    for (int round = 0; round < 300; round++) {
      StringBuilder query = new StringBuilder();
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      int n = random.nextInt(200);
      for (int i = 0; i < n; i++) {
        String w = words[random.nextInt(words.length)] + (random.nextInt(4) == 0 ? String.valueOf(random.nextInt(500)) : "");
        switch (random.nextInt(3)) {
          case 0 -> query.append(query.length() == 0 ? "" : "&").append(w).append('=').append(words[random.nextInt(words.length)]);
          case 1 -> headers.add("X-" + w.replaceAll("[^A-Za-z0-9]", "h"), w);
          default -> headers.add("Cookie", w + "=" + words[random.nextInt(words.length)]);
        }
      }
      WafRequest r = WafRequest.of("GET", "/a", query.length() == 0 ? null : query.toString(), headers, "http/1.1", null);
      assertNumberedByText(r);
    }
  }

  /**
   * Long texts that differ only where {@link TextKey}'s hash does not read all share one hash: a
   * request of thousands of them gives way to a map whose crowded bins are trees, still one number
   * per text, instead of comparing each new text with every earlier one.
   */
  @Test
  void aFloodOfTextsSharingAHashIsStillNumberedByText() {
    String base = "v".repeat(2_000);
    int same = new TextKey(base).hashCode();
    StringBuilder query = new StringBuilder();
    int made = 0;
    for (int at = 100; made < 3_000 && at < 1_900; at++) {
      for (char c = 'a'; c <= 'u' && made < 3_000; c++) {
        String v = base.substring(0, at) + c + base.substring(at + 1);
        if (new TextKey(v).hashCode() == same) {
          query.append(query.length() == 0 ? "" : "&").append("k=").append(v);
          made++;
        }
      }
    }
    assertTrue(made >= 1_000, "texts sharing a hash: " + made);
    String twice = query + "&" + query; // every text again: found, not numbered anew
    WafRequest r = WafRequest.of("GET", "/a", twice, MultiMap.caseInsensitiveMultiMap(), "http/1.1", null);
    assertTrue(r.crowded(), "gave way to the map");
    assertNumberedByText(r);
    WafRequest browser = WafRequest.of("GET", "/catalog", "q=running+shoes&page=2&sort=price",
        MultiMap.caseInsensitiveMultiMap().add("User-Agent", "Mozilla/5.0").add("Accept", "*/*")
            .add("Cookie", "session=7f3a; theme=dark"), "http/1.1", null);
    assertFalse(browser.crowded(), "a browser's request keeps the open table");
    assertNumberedByText(browser);
  }

  /** The query read as the plain reading does: split at '&', each pair at its first '=', both URL-decoded. */
  @Test
  void queryArgumentsAreThoseOfThePlainReading() {
    Random random = new Random(7);
    String alphabet = "ab=&%+2F4x1 ;u";
    for (int round = 0; round < 5_000; round++) {
      StringBuilder q = new StringBuilder();
      for (int i = random.nextInt(30); i > 0; i--) {
        q.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String query = q.toString();
      List<String> expected = new ArrayList<>();
      boolean bad = false;
      for (String pair : query.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        expected.add(Transform.urlDecode(eq < 0 ? pair : pair.substring(0, eq)) + "="
            + Transform.urlDecode(eq < 0 ? "" : pair.substring(eq + 1)));
        bad |= pair.matches(".*%(?![0-9A-Fa-f]{2}|[uU].{4}).*");
      }
      WafRequest r = WafRequest.of("GET", "/", query, MultiMap.caseInsensitiveMultiMap(), "http/1.1", null);
      List<String> args = r.fields(Collection.ARGS).stream().map(f -> f.name() + "=" + f.value()).toList();
      assertEquals(expected, args, query);
      assertEquals(bad, r.fields(Collection.ERRORS).stream().anyMatch(f -> "query".equals(f.name())), query);
    }
  }

  @Test
  void aSearchsPlusesAreSpacesAsURLDecoderReadsThem() {
    Random random = new Random(11);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(20); i > 0; i--) {
        s.append("ab+ ~%".charAt(random.nextInt(random.nextBoolean() ? 5 : 6)));
      }
      String v = s.toString();
      if (!v.contains("%")) {
        assertEquals(URLDecoder.decode(v, StandardCharsets.UTF_8), Transform.urlDecode(v), v);
      } else if (v.matches("[^%]*(%[0-7][0-9A-Fa-f][^%]*)*")) {
        assertEquals(URLDecoder.decode(v, StandardCharsets.UTF_8), Transform.urlDecode(v), v);
      }
    }
    assertEquals("running shoes", Transform.urlDecode("running+shoes"));
    assertEquals("a b/c", Transform.urlDecode("a+b%2Fc"));
  }

  /** Whitespace transforms squeeze or remove whitespace whatever else the value holds; a '+' is not theirs to decode. */
  @Test
  void whitespaceTransformsTouchOnlyWhitespace() {
    assertEquals("a b+c d", Transform.COMPRESS_WHITESPACE.apply("a  b+c \n\t d"));
    assertEquals("ab+cd", Transform.REMOVE_WHITESPACE.apply("a b+c\nd"));
    assertEquals("runtime.getruntime().exec(", Transform.REMOVE_WHITESPACE.apply("runtime.getruntime ().exec("));
    assertEquals("select x from t", Transform.COMPRESS_WHITESPACE.apply("select" + " ".repeat(200) + "x\nfrom t"));
  }

  /** What rules read after whitespace transforms: split by spaces or newlines, an attack is still one. */
  @Test
  void attacksSplitByWhitespaceAreStillFound() {
    RuleSet p2 = new RuleSet(new WafType().read(dev.gantry.gateway.spec.SpecReader.of(
        new io.vertx.core.json.JsonObject().put("paranoia", 2).put("mode", "detect"), "waf")), true); // every rule runs
    String[] attacks = {"Runtime.getRuntime ().exec(%22id%22)", "new+ProcessBuilder+(%22sh%22)",
        "Class.forName (%22x%22)", "select+password%0afrom+users", "select" + "+".repeat(200) + "x+from+t"};
    int[] rules = {944100, 944100, 944100, 942200, 942200};
    for (int i = 0; i < attacks.length; i++) {
      RuleSet.Verdict v = p2.evaluate(WafRequest.of("GET", "/", "q=" + attacks[i].replace(" ", "+"),
          MultiMap.caseInsensitiveMultiMap(), "http/1.1", null), null);
      int rule = rules[i];
      assertTrue(v.hits().stream().anyMatch(h -> h.rule().id() == rule), () -> "rule " + rule + " on " + v.hits());
    }
  }

  /**
   * A query or form of many short pairs is read in one pass: each pair's '=' and '%' are looked
   * for within it, not to the end of the text (which made 800 KB of {@code a&a&…} cost about 10¹¹
   * character reads, minutes of CPU; one pass takes milliseconds). The bound is a hundred times
   * what one pass needs on a slow machine: it catches the square, not a slow run.
   */
  @Test
  void aLongQueryOrFormIsSplitInOnePass() {
    String pairs = "a&".repeat(400_000);
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/x-www-form-urlencoded");
    WafRequest r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      WafRequest.of("GET", "/", pairs, MultiMap.caseInsensitiveMultiMap(), "http/1.1", null);
      return WafRequest.of("POST", "/", null, form, "http/1.1", Buffer.buffer(pairs));
    });
    assertEquals(WafRequest.MAX_ARGS, r.fields(Collection.ARGS).size());
  }

  @Test
  void headerNamesAreLowerCasedAsToLowerCaseDoes() {
    Random random = new Random(3);
    String[] names = {"Host", "USER-AGENT", "user-agent", "Accept-Language", "Cookie", "X-Custom", "Sec-Ch-Ua",
        "K\u212Aey", "ACCEPT-ENCODINg", "content-type", "x-api-key", "Dnt", "referer", "Referer2", "", "-"};
    for (String n : names) {
      assertEquals(n.toLowerCase(Locale.ROOT), HeaderNames.lower(n), n);
    }
    for (int round = 0; round < 20_000; round++) {
      StringBuilder s = new StringBuilder();
      String from = names[random.nextInt(names.length)];
      for (char c : from.toCharArray()) {
        s.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
      }
      if (random.nextInt(5) == 0) {
        s.append((char) ('a' + random.nextInt(26)));
      }
      String n = s.toString();
      assertEquals(n.toLowerCase(Locale.ROOT), HeaderNames.lower(n), n);
    }
    assertSame(HeaderNames.lower("user-agent"), HeaderNames.lower("User-Agent"), "a common name is the table's string");
  }
}
