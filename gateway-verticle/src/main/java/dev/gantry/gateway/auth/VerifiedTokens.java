package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens whose signature this node has verified, by the whole compact token: a client sends the
 * same token many times, and an RSA verification costs tens of microseconds where a map lookup
 * costs well under one. The token's own text is the key — compared in full, so no two tokens can
 * share an entry — rather than a digest of it: SHA-256 of a typical token cost about 4 µs per
 * request, more than the rest of the policy. An entry is used only while the key set that verified
 * it is still the issuer's current, fresh one (a rotation or refresh verifies again), and the time
 * claims are checked again on every use.
 *
 * <p>Bounded twice, so that a flood of distinct tokens costs only re-verification, never the heap:
 * past {@link #MAX} entries, or once the tokens stored since the last clear pass
 * {@link #BUDGET_BYTES} (each counted as its length plus {@link #ENTRY_OVERHEAD}), the map starts
 * over. Tokens are at most {@code max-token-bytes} (8 KiB by default, 64 KiB at most) long.
 */
final class VerifiedTokens {
  static final int MAX = 50_000;
  static final long BUDGET_BYTES = 32L << 20;
  /** The map node, the key's String object and the Verified record, roughly, beside the token's bytes. */
  static final int ENTRY_OVERHEAD = 160;
  private final Map<String, Verified> tokens = new ConcurrentHashMap<>();
  private final AtomicLong stored = new AtomicLong();

  /**
   * What a verification established.
   *
   * @param keys   the verifiers that checked the signature (the set's identity)
   * @param expMs  the token's exp; nbfMs and iatMs its nbf and iat, or Long.MIN_VALUE
   */
  record Verified(Object issuer, KeyVerifiers keys, Principal principal, long expMs, long nbfMs, long iatMs) {}

  Verified get(String token) {
    return tokens.get(token);
  }

  void put(String token, Verified verified) {
    if (tokens.size() >= MAX) {
      clear(); // a flood of distinct tokens must not grow the heap; real ones verify again
    }
    if (tokens.put(token, verified) == null && stored.addAndGet(cost(token)) > BUDGET_BYTES) {
      clear();
    }
  }

  /** How many tokens are remembered (for tests). */
  int size() {
    return tokens.size();
  }

  /** Accounted bytes stored since the map last started over (for tests). */
  long stored() {
    return stored.get();
  }

  static long cost(String token) {
    return token.length() + (long) ENTRY_OVERHEAD;
  }

  private void clear() {
    tokens.clear();
    stored.set(0);
  }
}
