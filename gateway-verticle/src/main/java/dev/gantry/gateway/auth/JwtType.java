package dev.gantry.gateway.auth;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.SpecReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code - jwt: {issuer: https://idp/, jwks-url: https://idp/jwks.json, audiences: [shop]}},
 * or several issuers as {@code issuers: [{issuer, jwks-url | dev: true | secret, audiences,
 * algorithms, scope-claim, roles-claim, refresh-seconds}]}, with {@code header}, {@code optional},
 * {@code leeway-seconds}, {@code max-token-bytes} and {@code realm} for all of them.
 */
public final class JwtType implements PolicyType<JwtConfig> {
  static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
      "ES384", "ES512", "EdDSA", "Ed25519", "HS256", "HS384", "HS512");
  private static final Set<String> ISSUER_FIELDS = Set.of("issuer", "jwks-url", "dev", "secret", "audiences",
      "algorithms", "scope-claim", "roles-claim", "refresh-seconds", "unknown-kid-refetch-seconds");
  private static final Set<String> SHARED_FIELDS = Set.of("issuers", "header", "optional", "leeway-seconds",
      "max-token-bytes", "realm");
  /** The dev issuer's name, as {@code java -jar gantry.jar token} signs it. */
  public static final String DEV_ISSUER = "urn:gantry:dev";

  @Override
  public String name() {
    return "jwt";
  }

  @Override
  public Phase phase() {
    return Phase.AUTHENTICATE;
  }

  @Override
  public Set<String> fields() {
    Set<String> all = new HashSet<>(SHARED_FIELDS);
    all.addAll(ISSUER_FIELDS);
    return all;
  }

  @Override
  public JwtConfig read(SpecReader config) {
    List<JwtConfig.Issuer> issuers = new ArrayList<>();
    if (config.has("issuers")) {
      for (String field : ISSUER_FIELDS) {
        if (config.has(field)) {
          throw SpecReader.invalid(config.path(field), "belongs inside issuers[] when issuers is given");
        }
      }
      List<SpecReader> list = config.objects("issuers");
      if (list.isEmpty()) {
        throw SpecReader.invalid(config.path("issuers"), "must name at least one issuer");
      }
      for (SpecReader one : list) {
        one.only(ISSUER_FIELDS);
        issuers.add(issuer(one));
        one.done();
      }
    } else {
      issuers.add(issuer(config));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < issuers.size(); i++) {
      if (!seen.add(issuers.get(i).issuer())) {
        throw SpecReader.invalid(config.path("issuers") + "[" + i + "].issuer", "is listed twice: "
            + issuers.get(i).issuer());
      }
    }
    String header = config.string("header", "Authorization");
    return new JwtConfig(issuers, header, config.bool("optional", false),
        (int) config.integer("leeway-seconds", 30, 0, 600), (int) config.integer("max-token-bytes", 8192, 256, 65_536),
        config.string("realm", "gantry"));
  }

  private static JwtConfig.Issuer issuer(SpecReader config) {
    boolean dev = config.bool("dev", false);
    String issuer = dev ? config.string("issuer", DEV_ISSUER) : config.string("issuer");
    String jwksUrl = config.has("jwks-url") ? config.string("jwks-url") : null;
    String secret = config.has("secret") ? config.string("secret") : null;
    int sources = (dev ? 1 : 0) + (jwksUrl != null ? 1 : 0) + (secret != null ? 1 : 0);
    if (sources != 1) {
      throw SpecReader.invalid(config.path("jwks-url"), "give exactly one key source: jwks-url, dev: true or secret");
    }
    if (jwksUrl != null) {
      URI uri;
      try {
        uri = URI.create(jwksUrl);
      } catch (IllegalArgumentException e) {
        throw SpecReader.invalid(config.path("jwks-url"), "not a URL: " + jwksUrl);
      }
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw SpecReader.invalid(config.path("jwks-url"), "must be an http(s) URL with a host");
      }
    }
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw SpecReader.invalid(config.path("secret"), "an HS256 secret must be at least 32 bytes");
    }
    List<String> algorithms = config.strings("algorithms");
    for (int i = 0; i < algorithms.size(); i++) {
      String alg = algorithms.get(i);
      if (!ALGORITHMS.contains(alg)) {
        throw SpecReader.invalid(config.path("algorithms") + "[" + i + "]", "unknown or refused algorithm " + alg
            + " (known: " + String.join(", ", ALGORITHMS.stream().sorted().toList()) + ")");
      }
      if (secret == null && alg.startsWith("HS")) {
        throw SpecReader.invalid(config.path("algorithms") + "[" + i + "]", alg
            + " needs a shared secret; a public key set never verifies HMAC tokens");
      }
      if (secret != null && !alg.startsWith("HS")) {
        throw SpecReader.invalid(config.path("algorithms") + "[" + i + "]", alg + " needs a key set, not a secret");
      }
    }
    if (algorithms.isEmpty()) {
      algorithms = secret != null ? List.of("HS256") : dev ? List.of("ES256")
          : List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
    }
    return new JwtConfig.Issuer(issuer, jwksUrl, dev, secret, config.strings("audiences"), algorithms,
        config.string("scope-claim", "scope"), config.string("roles-claim", "roles"),
        (int) config.integer("refresh-seconds", 300, 30, 86_400),
        (int) config.integer("unknown-kid-refetch-seconds", 60, 1, 86_400));
  }

  @Override
  public JwtPolicy create(JwtConfig config, PolicyRuntime runtime) {
    return new JwtPolicy(config, runtime);
  }
}
