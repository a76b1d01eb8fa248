package dev.gantry.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key set made ready to verify with: one Nimbus verifier per usable key, built once when the set
 * is adopted (building one parses the key). A token is tried only against the keys its header
 * selects — its {@code kid}, a key type that fits its {@code alg}, the key's own {@code alg} and
 * {@code use} — so an HMAC token never meets an RSA public key, and a key pinned to RS256 never
 * verifies PS256.
 */
public final class KeyVerifiers {
  private static final Logger LOG = LoggerFactory.getLogger(KeyVerifiers.class);
  private final JWKSet keys;
  private final Map<JWK, JWSVerifier> verifiers = new IdentityHashMap<>();

  public KeyVerifiers(JWKSet keys) {
    this.keys = keys;
    for (JWK key : keys.getKeys()) {
      try {
        JWSVerifier verifier = verifierOf(key);
        if (verifier != null) {
          verifiers.put(key, verifier);
        }
      } catch (JOSEException e) {
        LOG.warn("key {} cannot verify signatures and is left out: {}", key.getKeyID(), e.getMessage());
      }
    }
  }

  private static JWSVerifier verifierOf(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (key instanceof ECKey ec) {
      return new ECDSAVerifier(ec);
    }
    if (key instanceof OctetSequenceKey secret) {
      return new MACVerifier(secret);
    }
    if (key instanceof OctetKeyPair okp) {
      return new JdkEd25519Verifier(okp);
    }
    return null;
  }

  /** Whether a key in the set has this id. */
  boolean has(String kid) {
    return kid == null ? !verifiers.isEmpty() : keys.getKeyByKeyId(kid) != null;
  }

  /** Whether a key the header selects verifies the token's signature. */
  public boolean verify(SignedJWT jwt) {
    JWSHeader header = jwt.getHeader();
    List<JWK> candidates = new JWKSelector(JWKMatcher.forJWSHeader(header)).select(keys);
    for (JWK key : candidates) {
      JWSVerifier verifier = verifiers.get(key);
      if (verifier == null) {
        continue;
      }
      try {
        if (jwt.verify(verifier)) {
          return true;
        }
      } catch (JOSEException | IllegalStateException e) {
        // an algorithm this key cannot do, or a malformed signature: this key does not verify it
      }
    }
    return false;
  }
}
