package dev.gantry.gateway.auth;

import java.util.List;

/**
 * The {@code jwt} policy's configuration: the issuers it trusts (each with its own keys and
 * algorithms) and how tokens are read.
 *
 * @param issuers       trusted issuers, chosen by the token's {@code iss}
 * @param header        the request header carrying {@code Bearer <token>}
 * @param optional      whether a request without a token passes on anonymous (a later
 *                      {@code authorize} decides); a bad token is refused either way
 * @param leewaySeconds clock skew allowed on {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenBytes longest token read at all
 * @param realm         the realm named in challenges
 */
public record JwtConfig(List<Issuer> issuers, String header, boolean optional, int leewaySeconds, int maxTokenBytes,
    String realm) {

  /**
   * One trusted issuer.
   *
   * @param issuer      the exact {@code iss} value
   * @param jwksUrl     where its key set is published; null when {@code dev} or {@code secret}
   * @param dev         whether its key is this node's dev key (from the data directory)
   * @param secret      an HS256 shared secret (at least 32 bytes), or null
   * @param audiences   accepted {@code aud} values; empty accepts any
   * @param algorithms  accepted {@code alg} values (the key's own {@code alg} narrows further)
   * @param scopeClaim  the claim holding scopes (a space-separated string or a list)
   * @param rolesClaim  the claim holding roles (a list), dotted for nested ({@code realm_access.roles})
   * @param refreshSeconds key-set life when the JWKS response gives no {@code max-age}
   * @param refetchSeconds least time between fetches caused by unknown key ids, cluster-wide
   */
  public record Issuer(String issuer, String jwksUrl, boolean dev, String secret, List<String> audiences,
      List<String> algorithms, String scopeClaim, String rolesClaim, int refreshSeconds, int refetchSeconds) {
    public Issuer {
      audiences = List.copyOf(audiences);
      algorithms = List.copyOf(algorithms);
    }
  }

  public JwtConfig {
    issuers = List.copyOf(issuers);
  }
}
