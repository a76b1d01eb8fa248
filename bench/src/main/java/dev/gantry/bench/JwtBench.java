package dev.gantry.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.gateway.auth.KeyVerifiers;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the jwt policy spends per request once the key set is cached: parsing the compact token
 * and verifying its signature with the key its header selects (verifiers are built once per set).
 * {@code java -jar bench/target/benchmarks.jar JwtBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class JwtBench {
  private KeyVerifiers keys;
  private String rs256;
  private String es256;

  @Setup
  public void setUp() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    keys = new KeyVerifiers(new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())));
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://idp/").subject("alice").audience("shop")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600))).claim("scope", "a b c").build();
    SignedJWT r = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa").build(), claims);
    r.sign(new RSASSASigner(rsa));
    rs256 = r.serialize();
    SignedJWT e = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec").build(), claims);
    e.sign(new ECDSASigner(ec));
    es256 = e.serialize();
  }

  @Benchmark
  public boolean rs256() throws Exception {
    SignedJWT jwt = SignedJWT.parse(rs256);
    jwt.getJWTClaimsSet();
    return keys.verify(jwt);
  }

  @Benchmark
  public boolean es256() throws Exception {
    SignedJWT jwt = SignedJWT.parse(es256);
    jwt.getJWTClaimsSet();
    return keys.verify(jwt);
  }
}
