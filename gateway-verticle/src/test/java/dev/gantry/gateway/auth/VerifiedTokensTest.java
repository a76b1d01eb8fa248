package dev.gantry.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Principal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
  /**
   * However many JWT policies a node has, the tokens their caches hold stay under the node's
   * budget: twenty caches each fed 8 KiB tokens (about 160 MiB without the node bound) are cleared
   * together whenever what they stored passes it.
   */
  @Test
  void allCachesOfTheNodeTogetherStayUnderItsBudget() {
    List<VerifiedTokens> caches = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      caches.add(new VerifiedTokens());
    }
    Principal who = new Principal("alice", null, List.of(), List.of(), null, "jwt");
    String filler = "e".repeat(8 * 1024 - 8);
    long most = 0;
    for (int i = 0; i < 1_000; i++) {
      for (VerifiedTokens cache : caches) {
        cache.put(VerifiedTokens.keyOf(filler + String.format("%08d", i)), new VerifiedTokens.Verified(null, null, who, 0, 0, 0));
      }
      long held = 0;
      for (VerifiedTokens cache : caches) {
        held += (long) cache.size() * (filler.length() + 8);
      }
      most = Math.max(most, held);
      assertTrue(VerifiedTokens.nodeChars() <= VerifiedTokens.NODE_MAX_CHARS, "stored: " + VerifiedTokens.nodeChars());
    }
    assertTrue(most <= VerifiedTokens.NODE_MAX_CHARS, "the caches held " + most + " characters at most");
    assertTrue(most > VerifiedTokens.NODE_MAX_CHARS / 2, "and were used: " + most);
  }

  @Test
  void aTokenIsFoundOnlyUnderItsOwnText() {
    VerifiedTokens cache = new VerifiedTokens();
    Principal who = new Principal("alice", null, List.of(), List.of(), null, "jwt");
    String token = "eyJhbGciOiJSUzI1NiJ9." + "x".repeat(700) + ".sig";
    cache.put(VerifiedTokens.keyOf(token), new VerifiedTokens.Verified(null, null, who, 0, 0, 0));
    assertEquals(who, cache.get(VerifiedTokens.keyOf(new String(token.toCharArray()))).principal());
    assertNull(cache.get(VerifiedTokens.keyOf(token.replace(".sig", ".siG"))));
  }

  @Test
  void onlyBase64urlAndDotsPassTheCompactCheck() {
    assertTrue(JwtPolicy.compactCharacters("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.abc-_09"));
    for (String odd : List.of("a.b.c=", "a.b.c ", "a.b+c.d", "a.b/c.d", "a.b\nc.d", "a.b.c\u00e9", "a.b.c%41")) {
      assertFalse(JwtPolicy.compactCharacters(odd), odd);
    }
  }
}
