package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.security.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature this node has verified, by the SHA-256 of the whole compact token: a
 * client sends the same token many times, and an RSA verification costs tens of microseconds
 * where a hash costs one or two. An entry is used only while the key set that verified it is
 * still the issuer's current, fresh one (a rotation or refresh verifies again), and the time
 * claims are checked again on every use. Bounded: past {@link #MAX} entries the map starts over.
 */
final class VerifiedTokens {
  static final int MAX = 50_000;
  private final Map<Key, Verified> tokens = new ConcurrentHashMap<>();

  /**
   * What a verification established.
   *
   * @param keys   the verifiers that checked the signature (the set's identity)
   * @param expMs  the token's exp; nbfMs and iatMs its nbf and iat, or Long.MIN_VALUE
   */
  record Verified(Object issuer, KeyVerifiers keys, Principal principal, long expMs, long nbfMs, long iatMs) {}

  /** A digest as a map key (arrays compare by identity). */
  record Key(byte[] digest) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key k && Arrays.equals(digest, k.digest);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(digest);
    }
  }

  static Key keyOf(String token) {
    return new Key(Sha256.of(token, StandardCharsets.ISO_8859_1));
  }

  Verified get(Key key) {
    return tokens.get(key);
  }

  void put(Key key, Verified verified) {
    if (tokens.size() >= MAX) {
      tokens.clear(); // a flood of distinct tokens must not grow the heap; real ones verify again
    }
    tokens.put(key, verified);
  }
}
