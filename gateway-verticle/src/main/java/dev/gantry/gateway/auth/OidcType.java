package dev.gantry.gateway.auth;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.SpecReader;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code - oidc: {issuer: https://idp/realms/shop, client-id: gateway, client-secret: ...,
 * audiences: [shop], introspect: opaque|always, cache-seconds: 300, optional: false}}.
 */
public final class OidcType implements PolicyType<OidcType.Config> {
  /**
   * @param issuer        the provider; its discovery document is {@code <issuer>/.well-known/openid-configuration}
   * @param introspectAll whether even JWT access tokens are introspected (revocation seen at once),
   *                      rather than only opaque ones
   * @param cacheSeconds  longest an introspection answer is reused (never past the token's own exp)
   */
  public record Config(String issuer, String clientId, String clientSecret, List<String> audiences,
      boolean introspectAll, int cacheSeconds, boolean optional, String scopeClaim, String realm, int leewaySeconds) {
    public Config {
      audiences = List.copyOf(audiences);
    }
  }

  @Override
  public String name() {
    return "oidc";
  }

  @Override
  public Phase phase() {
    return Phase.AUTHENTICATE;
  }

  @Override
  public Set<String> fields() {
    return Set.of("issuer", "client-id", "client-secret", "audiences", "introspect", "cache-seconds", "optional",
        "scope-claim", "realm", "leeway-seconds");
  }

  @Override
  public Config read(SpecReader config) {
    String issuer = config.string("issuer");
    try {
      URI uri = URI.create(issuer);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw SpecReader.invalid(config.path("issuer"), "must be an http(s) URL with a host");
      }
    } catch (IllegalArgumentException e) {
      throw SpecReader.invalid(config.path("issuer"), "not a URL: " + issuer);
    }
    String introspect = config.string("introspect", "opaque");
    if (!introspect.equals("opaque") && !introspect.equals("always")) {
      throw SpecReader.invalid(config.path("introspect"), "must be opaque or always");
    }
    return new Config(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer,
        config.string("client-id"), config.string("client-secret"), config.strings("audiences"),
        introspect.equals("always"), (int) config.integer("cache-seconds", 300, 0, 3600), config.bool("optional", false),
        config.string("scope-claim", "scope"), config.string("realm", "gantry"),
        (int) config.integer("leeway-seconds", 30, 0, 600));
  }

  @Override
  public OidcPolicy create(Config config, PolicyRuntime runtime) {
    return new OidcPolicy(config, runtime);
  }
}
