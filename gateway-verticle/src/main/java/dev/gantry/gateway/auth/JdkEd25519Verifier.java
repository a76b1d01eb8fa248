package dev.gantry.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

/**
 * Verifies EdDSA (Ed25519) signatures with the JDK's own provider: Nimbus's verifier needs Google
 * Tink, a large optional dependency, for what Java 15+ does itself. Like Nimbus's verifiers it
 * refuses a header with {@code crit} parameters (none is understood).
 */
final class JdkEd25519Verifier implements JWSVerifier {
  /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410), before the 32 key bytes. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
  private final PublicKey key;
  private final JCAContext context = new JCAContext();

  JdkEd25519Verifier(OctetKeyPair jwk) throws JOSEException {
    if (!Curve.Ed25519.equals(jwk.getCurve())) {
      throw new JOSEException("only Ed25519 keys verify EdDSA here");
    }
    byte[] x = jwk.getDecodedX();
    if (x.length != 32) {
      throw new JOSEException("an Ed25519 public key is 32 bytes");
    }
    byte[] der = new byte[X509_PREFIX.length + 32];
    System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
    System.arraycopy(x, 0, der, X509_PREFIX.length, 32);
    try {
      this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("not an Ed25519 key: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
    if (!ALGORITHMS.contains(header.getAlgorithm()) || header.getCriticalParams() != null) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature.decode());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return ALGORITHMS;
  }

  @Override
  public JCAContext getJCAContext() {
    return context;
  }
}
