package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.security.TextKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens whose signature this node has verified, by the whole compact token: a client sends the
 * same token many times, and an RSA verification costs tens of microseconds where a lookup costs
 * a fraction of one. The key is a {@link TextKey}, whose hash reads a long token's ends and a
 * sample of its middle (hashing all of it, or taking its SHA-256, cost a microsecond or two per
 * request) while equality compares every character: a token is found only under its own exact
 * text. An entry is used only while the key set that verified it is still the issuer's current,
 * fresh one (a rotation or refresh verifies again), and the time claims are checked again on
 * every use. Bounded twice: past {@link #MAX} entries, or once the tokens held pass
 * {@link #MAX_CHARS} characters (a flood of large distinct tokens), the map starts over.
 */
final class VerifiedTokens {
  static final int MAX = 50_000;
  /** The tokens' characters held at most: 16 Mi, about 16,000 tokens of a kilobyte. */
  static final long MAX_CHARS = 16L << 20;
  private final Map<TextKey, Verified> tokens = new ConcurrentHashMap<>();
  private final AtomicLong chars = new AtomicLong();

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
    if (tokens.size() >= MAX || chars.get() + key.text().length() > MAX_CHARS) {
      tokens.clear(); // a flood of distinct tokens must not grow the heap; real ones verify again
      chars.set(0);
    }
    if (tokens.put(key, verified) == null) {
      chars.addAndGet(key.text().length());
    }
  }

  /** Entries held now (for tests). */
  int size() {
    return tokens.size();
  }
}
