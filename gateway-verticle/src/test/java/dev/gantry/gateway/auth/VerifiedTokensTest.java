package dev.gantry.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memo of verified tokens: keyed by the whole token, and bounded by bytes as well as entries. */
class VerifiedTokensTest {
  private static VerifiedTokens.Verified verified() {
    return new VerifiedTokens.Verified("issuer", null, null, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
  }

  /** The same length for every token, so that each costs the same. */
  private static String id(long i) {
    return String.format("%08d", i);
  }

  @Test
  void aTokenIsFoundOnlyByItsWholeText() {
    VerifiedTokens memo = new VerifiedTokens();
    VerifiedTokens.Verified v = verified();
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
    memo.put(token, v);
    assertSame(v, memo.get(new String(token.toCharArray())), "the same text, another String object");
    assertNull(memo.get(token.substring(0, token.length() - 1)), "a prefix is another token");
    assertNull(memo.get(token + "x"), "so is a longer one");
  }

  @Test
  void distinctTokensPastTheByteBudgetStartTheMemoOver() {
    VerifiedTokens memo = new VerifiedTokens();
    String pad = "x".repeat(8_000); // as long as max-token-bytes allows by default
    long perEntry = VerifiedTokens.cost(pad + id(0));
    long fit = VerifiedTokens.BUDGET_BYTES / perEntry;
    for (int i = 0; i < fit; i++) {
      memo.put(pad + id(i), verified());
    }
    assertEquals(fit, memo.size());
    memo.put(pad + id(0), verified()); // replacing an entry stores no more
    assertEquals(fit * perEntry, memo.stored(), "a replaced entry is not counted twice");
    memo.put(pad + "more", verified());
    assertTrue(memo.stored() < perEntry && memo.size() == 0, "over budget: the memo started over, size "
        + memo.size() + ", stored " + memo.stored());
    assertTrue(fit < VerifiedTokens.MAX, "the byte budget, not the entry count, bounded 8 KB tokens");
  }
}
