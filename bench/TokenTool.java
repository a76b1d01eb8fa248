import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;

/**
 * For bench/run's full-chain route: makes an RSA key, writes its public JWKS to DIR/jwks.json and
 * prints an RS256 token (issuer https://bench.gantry/, audience bench, valid for a day).
 * Run with the Gantry jar on the class path: java -cp runtime/target/gantry.jar bench/TokenTool.java DIR
 */
public class TokenTool {
  public static void main(String[] args) throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("bench-1").generate();
    Files.writeString(Path.of(args[0], "jwks.json"), new JWKSet(key.toPublicJWK()).toString());
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench-1").build(),
        new JWTClaimsSet.Builder().issuer("https://bench.gantry/").subject("bench-user").audience("bench")
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(86_400)))
            .claim("scope", "bench:read").build());
    jwt.sign(new RSASSASigner(key));
    System.out.println(jwt.serialize());
  }
}
