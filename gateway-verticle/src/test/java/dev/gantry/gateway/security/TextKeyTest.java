package dev.gantry.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class TextKeyTest {
  @Test
  void aShortTextHashesAsTheStringItselfAndEqualTextsAreOneKey() {
    String s = "session=7f3a9c2e";
    assertEquals(s.hashCode(), new TextKey(s).hashCode());
    String token = "Bearer " + "eyJhbGciOiJSUzI1NiJ9.".repeat(40);
    TextKey a = new TextKey(token);
    TextKey b = new TextKey(new String(token.toCharArray()));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(0, a.compareTo(b));
  }

  /**
   * Texts that differ only where a long text's hash does not look share the hash, yet are never
   * one key: a map holding thousands of them finds each and only each.
   */
  @Test
  void longTextsThatDifferOnlyWhereTheHashDoesNotLookAreStillDifferentKeys() {
    String base = "x".repeat(2_000);
    int unsampled = findUnsampledPosition(base);
    Map<TextKey, Integer> plain = new HashMap<>();
    Map<TextKey, Integer> concurrent = new ConcurrentHashMap<>();
    int n = 5_000;
    String[] texts = new String[n];
    for (int i = 0; i < n; i++) {
      // a number written over the unsampled stretch: every text has the same hash
      String digits = String.format("%05d", i);
      texts[i] = base.substring(0, unsampled) + digits + base.substring(unsampled + digits.length());
      assertEquals(new TextKey(base).hashCode(), new TextKey(texts[i]).hashCode(), "the test's texts collide");
      plain.put(new TextKey(texts[i]), i);
      concurrent.put(new TextKey(texts[i]), i);
    }
    assertEquals(n, plain.size());
    assertEquals(n, concurrent.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, plain.get(new TextKey(new String(texts[i].toCharArray()))));
      assertEquals(i, concurrent.get(new TextKey(texts[i])));
    }
    assertNull(plain.get(new TextKey(base)));
    assertNotEquals(new TextKey(texts[0]), new TextKey(texts[1]));
  }

  /** A run of five positions of a 2,000-character text that its hash does not read. */
  private static int findUnsampledPosition(String base) {
    int h = new TextKey(base).hashCode();
    for (int at = 100; at < base.length() - 100; at++) {
      boolean untouched = true;
      for (int k = 0; k < 5 && untouched; k++) {
        String changed = base.substring(0, at + k) + 'y' + base.substring(at + k + 1);
        untouched = new TextKey(changed).hashCode() == h;
      }
      if (untouched) {
        return at;
      }
    }
    throw new AssertionError("no unsampled stretch");
  }

  @Test
  void everyCharacterOfAShortTextCounts() {
    String s = "a".repeat(TextKey.FULL);
    for (int i = 0; i < s.length(); i++) {
      String changed = s.substring(0, i) + 'b' + s.substring(i + 1);
      assertTrue(new TextKey(changed).hashCode() != new TextKey(s).hashCode(), "position " + i);
    }
  }
}
