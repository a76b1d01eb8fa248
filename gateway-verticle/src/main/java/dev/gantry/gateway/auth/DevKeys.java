package dev.gantry.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The development signing key: an ES256 key generated once into the data directory
 * ({@code dev-jwt-key.json}, readable by its owner only), with which
 * {@code java -jar gantry.jar token} signs tokens and which a {@code jwt} issuer with
 * {@code dev: true} trusts. Its public half is served as a JWKS on the admin listener. For local
 * use: a production issuer is an identity provider with its own JWKS URL.
 */
public final class DevKeys {
  static final String FILE = "dev-jwt-key.json";
  private final ECKey key;

  private DevKeys(ECKey key) {
    this.key = key;
  }

  /** The data directory's dev key, generated there on first use. Blocking file I/O: not on an event loop. */
  public static DevKeys in(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        return new DevKeys(ECKey.parse(Files.readString(file)));
      }
      Files.createDirectories(dataDir);
      ECKey generated = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
          .keyID("gantry-dev-" + UUID.randomUUID().toString().substring(0, 8)).generate();
      Path temp = Files.createTempFile(dataDir, ".dev-jwt-key", ".tmp");
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own permissions protect it
      }
      Files.writeString(temp, generated.toJSONString(), StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE); // two nodes starting at once: one key wins
      } catch (java.nio.file.FileAlreadyExistsException e) {
        Files.deleteIfExists(temp);
      }
      return new DevKeys(ECKey.parse(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("dev signing key " + file + ": " + e.getMessage(), e);
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException("dev signing key " + file + " is unreadable: " + e.getMessage()
          + " (delete it to make a new one)", e);
    }
  }

  /** The public key set, as served at {@code /.well-known/jwks.json} on the admin listener. */
  public JWKSet publicKeys() {
    return new JWKSet(key.toPublicJWK());
  }

  /** A token for {@code subject} with {@code scopes}, for {@code audience}, valid for {@code ttl}. */
  public String sign(String subject, List<String> scopes, List<String> roles, String audience, Duration ttl) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(JwtType.DEV_ISSUER).subject(subject)
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString());
    if (audience != null) {
      claims.audience(audience);
    }
    if (!scopes.isEmpty()) {
      claims.claim("scope", String.join(" ", scopes));
    }
    if (!roles.isEmpty()) {
      claims.claim("roles", roles);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims.build());
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with the dev key: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
