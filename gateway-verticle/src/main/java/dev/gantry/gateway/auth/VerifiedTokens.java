package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.security.NodeBudget;
import dev.gantry.gateway.security.TextKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature this node has verified, by the whole compact token: a client sends the
 * same token many times, and an RSA verification costs tens of microseconds where a lookup costs
 * a fraction of one. The key is a {@link TextKey}, whose hash reads a long token's ends and a
 * sample of its middle (hashing all of it, or taking its SHA-256, cost a microsecond or two per
 * request) while equality compares every character: a token is found only under its own exact
 * text. An entry is used only while the key set that verified it is still the issuer's current,
 * fresh one (a rotation or refresh verifies again), and the time claims are checked again on
 * every use. Bounded twice: a cache starts over past {@link #MAX} entries, and all the caches of
 * the node (one per {@code jwt} policy) are cleared together once the tokens they stored since
 * the last such clear pass {@link #NODE_MAX_CHARS} characters, so large distinct tokens (a flood,
 * or many textual variants of one token) cost the caches, never the heap.
 */
final class VerifiedTokens {
  static final int MAX = 50_000;
  /** Characters of tokens all caches of the node may store between two clears of them all: 64 Mi, 80,000 tokens of 800. */
  static final long NODE_MAX_CHARS = 64L << 20;
  private static final NodeBudget<VerifiedTokens> NODE = new NodeBudget<>(NODE_MAX_CHARS, c -> c.tokens.clear());
  private final Map<TextKey, Verified> tokens = new ConcurrentHashMap<>();

  VerifiedTokens() {
    NODE.register(this);
  }

  /**
   * What a verification established.
   *
   * @param keys   the verifiers that checked the signature (the set's identity)
   * @param expMs  the token's exp; nbfMs and iatMs its nbf and iat, or Long.MIN_VALUE
   */
  record Verified(Object issuer, KeyVerifiers keys, Principal principal, long expMs, long nbfMs, long iatMs) {}

  static TextKey keyOf(String token) {
    return new TextKey(token);
  }

  Verified get(TextKey key) {
    return tokens.get(key);
  }

  void put(TextKey key, Verified verified) {
    if (tokens.size() >= MAX) {
      tokens.clear(); // a flood of distinct tokens must not grow the heap; real ones verify again
    }
    if (tokens.put(key, verified) == null) {
      NODE.spend(key.text().length());
    }
  }

  /** Characters stored by all caches since they were last cleared together (for tests). */
  static long nodeChars() {
    return NODE.stored();
  }

  /** Entries held now (for tests). */
  int size() {
    return tokens.size();
  }
}
