package dev.gantry.gateway.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gantry.codecs.Principal;
import dev.gantry.gateway.policy.NodeResources;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.security.TextKey;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code jwt} policy: a bearer token signed by a trusted issuer, checked before anything else
 * runs — its size, that it is a JWS (so {@code alg: none} is not), that its header names no key
 * of its own ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}) and no {@code crit} parameter,
 * that its {@code alg} is one its issuer allows, that a key of the issuer's set the header
 * selects verifies it, then {@code exp}, {@code nbf}, {@code iat} (with the leeway), {@code aud}
 * and {@code sub}. A token that passes makes the request's {@link Principal}.
 */
public final class JwtPolicy implements Policy {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JwtPolicy.class);
  private static final Set<JOSEObjectType> TYPES = Set.of(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"),
      new JOSEObjectType("application/at+jwt"));
  private final JwtConfig config;
  private final Map<String, IssuerKeys> issuers = new HashMap<>();
  private final Challenge challenge;
  private final VerifiedTokens verified = new VerifiedTokens();

  JwtPolicy(JwtConfig config, PolicyRuntime runtime) {
    this.config = config;
    this.challenge = new Challenge("jwt", "Bearer", config.realm(), Refusals.of(runtime));
    for (JwtConfig.Issuer issuer : config.issuers()) {
      issuers.put(issuer.issuer(), new IssuerKeys(issuer, runtime.node()));
    }
  }

  @Override
  public boolean appliesToUpgrade() {
    return true;
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    List<String> values = exchange.request().headers().getAll(config.header());
    if (values.isEmpty()) {
      return config.optional() ? next.proceed(exchange) : challenge.missing(exchange);
    }
    if (values.size() > 1) {
      return challenge.malformed(exchange, "several-credentials");
    }
    String value = values.get(0);
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return config.optional() ? next.proceed(exchange) : challenge.missing(exchange); // another scheme: not ours
    }
    String token = value.substring(7).strip();
    if (token.length() > config.maxTokenBytes()) {
      return challenge.invalid(exchange, "too-large");
    }
    TextKey key = VerifiedTokens.keyOf(token);
    VerifiedTokens.Verified seen = verified.get(key);
    if (seen != null && ((IssuerKeys) seen.issuer()).current() == seen.keys()) {
      String refused = checkTimes(seen.expMs(), seen.nbfMs(), seen.iatMs());
      if (refused != null) {
        return challenge.invalid(exchange, refused);
      }
      exchange.authenticate(seen.principal());
      return next.proceed(exchange);
    }
    if (!compactCharacters(token)) {
      // base64url and dots only: a decoder that skips other characters would let one valid
      // token be written in endless spellings, each verified and cached on its own
      return challenge.invalid(exchange, "malformed");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token); // refuses alg none and JWE: not a JWS header
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      return challenge.invalid(exchange, "malformed");
    }
    var header = jwt.getHeader();
    if (header.getJWKURL() != null || header.getX509CertURL() != null || header.getJWK() != null
        || header.getX509CertChain() != null) {
      return challenge.invalid(exchange, "embedded-key");
    }
    if (header.getCriticalParams() != null) {
      return challenge.invalid(exchange, "crit");
    }
    if (header.getType() != null && !TYPES.contains(header.getType())) {
      return challenge.invalid(exchange, "type");
    }
    IssuerKeys issuer = claims.getIssuer() == null ? null : issuers.get(claims.getIssuer());
    if (issuer == null) {
      return challenge.invalid(exchange, "issuer");
    }
    if (!issuer.config.algorithms().contains(header.getAlgorithm().getName())) {
      return challenge.invalid(exchange, "algorithm");
    }
    return issuer.verifiers(header.getKeyID()).transform(ar -> {
      if (ar.failed()) {
        LOG.debug("jwt: no key set to verify with", ar.cause());
        return challenge.unavailable(exchange, "keys-unavailable",
            "cannot verify tokens now: the issuer's key set is unavailable", 30);
      }
      KeyVerifiers keys = ar.result();
      if (!keys.verify(jwt)) {
        return challenge.invalid(exchange, keys.has(header.getKeyID()) ? "signature" : "unknown-kid");
      }
      String refused = checkClaims(claims, issuer.config);
      if (refused != null) {
        return challenge.invalid(exchange, refused);
      }
      Principal who = principalOf(claims, issuer.config);
      verified.put(key, new VerifiedTokens.Verified(issuer, keys, who, claims.getExpirationTime().getTime(),
          time(claims.getNotBeforeTime()), time(claims.getIssueTime())));
      exchange.authenticate(who);
      return next.proceed(exchange);
    });
  }

  /** Whether {@code token} holds only what a JWS compact serialisation may: base64url characters and dots. */
  static boolean compactCharacters(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
          || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static long time(Date at) {
    return at == null ? Long.MIN_VALUE : at.getTime();
  }

  /** The time claims again, for a token verified before: the first that fails, or null. */
  private String checkTimes(long expMs, long nbfMs, long iatMs) {
    long now = System.currentTimeMillis();
    long leeway = config.leewaySeconds() * 1000L;
    if (now - leeway >= expMs) {
      return "expired";
    }
    if (nbfMs != Long.MIN_VALUE && now + leeway < nbfMs) {
      return "not-yet-valid";
    }
    if (iatMs != Long.MIN_VALUE && now + leeway < iatMs) {
      return "issued-in-future";
    }
    return null;
  }

  private static Principal principalOf(JWTClaimsSet claims, JwtConfig.Issuer issuer) {
    return new Principal(claims.getSubject(), claims.getIssuer(), strings(claims.getClaim(issuer.scopeClaim()), true),
        roles(claims, issuer.rolesClaim()), null, "jwt");
  }

  /** The first claim that fails, or null. */
  private String checkClaims(JWTClaimsSet claims, JwtConfig.Issuer issuer) {
    long now = System.currentTimeMillis();
    long leeway = config.leewaySeconds() * 1000L;
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return "no-exp";
    }
    if (now - leeway >= exp.getTime()) {
      return "expired";
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now + leeway < nbf.getTime()) {
      return "not-yet-valid";
    }
    Date iat = claims.getIssueTime();
    if (iat != null && now + leeway < iat.getTime()) {
      return "issued-in-future";
    }
    if (!issuer.audiences().isEmpty()) {
      List<String> aud = claims.getAudience();
      if (aud == null || aud.stream().noneMatch(issuer.audiences()::contains)) {
        return "audience";
      }
    }
    String sub = claims.getSubject();
    if (!usableSubject(sub)) {
      return "subject";
    }
    return null;
  }

  /**
   * Whether a subject can name a principal: not blank, at most 256 characters, and no control
   * character or line separator (it goes upstream in a header and into the access log, where a
   * CR/LF would end the field; refused rather than altered, so two subjects never become one).
   */
  static boolean usableSubject(String sub) {
    if (sub == null || sub.isBlank() || sub.length() > 256) {
      return false;
    }
    for (int i = 0; i < sub.length(); i++) {
      if (!printable(sub.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean printable(char c) {
    return !Character.isISOControl(c) && c != '\u2028' && c != '\u2029';
  }

  /** Whether one scope or role is a single token: non-empty, no whitespace, no control character. */
  private static boolean singleToken(String s) {
    if (s.isEmpty() || s.length() > 256) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!printable(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A scope claim: one space-separated string (RFC 8693 {@code scope}) or a list ({@code scp}).
   * An item that is not a single token (it holds a space, a control character) is left out: the
   * scopes go upstream space-separated, where {@code "read admin"} would read as two.
   */
  static List<String> strings(Object claim, boolean splitSpaces) {
    if (claim instanceof String s) {
      return (splitSpaces ? List.of(s.trim().split("[\\s\\p{Z}]+")) : List.of(s)).stream()
          .filter(JwtPolicy::singleToken).toList();
    }
    if (claim instanceof Iterable<?> list) { // a JSON array of vertx-auth (oidc) is no Collection
      List<String> out = new ArrayList<>();
      list.forEach(item -> {
        if (item instanceof String s && singleToken(s)) {
          out.add(s);
        }
      });
      return out;
    }
    return List.of();
  }

  /** Roles at a dotted path ({@code realm_access.roles}). */
  static List<String> roles(JWTClaimsSet claims, String path) {
    Object at = claims.getClaims();
    for (String part : path.split("\\.")) {
      if (!(at instanceof Map<?, ?> map)) {
        return List.of();
      }
      at = map.get(part);
    }
    return strings(at, false);
  }

  /** One issuer's keys: a static set (dev key, shared secret) or its JWKS, cached for the cluster. */
  private static final class IssuerKeys {
    final JwtConfig.Issuer config;
    private final JwksCache cache;
    private final Future<KeyVerifiers> fixed;
    private volatile Adopted adopted;

    /** A set and its verifiers, swapped together so no thread sees one without the other. */
    private record Adopted(JwksCache.KeySet set, KeyVerifiers verifiers) {}

    IssuerKeys(JwtConfig.Issuer config, NodeResources node) {
      this.config = config;
      if (config.secret() != null) {
        cache = null;
        fixed = Future.succeededFuture(new KeyVerifiers(new JWKSet(
            new OctetSequenceKey.Builder(config.secret().getBytes(StandardCharsets.UTF_8)).build())));
      } else if (config.dev()) {
        cache = null;
        // made on first use in the data directory: file I/O, so off the event loop
        fixed = node.running() ? node.vertx().executeBlocking(() -> new KeyVerifiers(
            node.<DevKeys>keep(DevKeys.class.getName(), () -> DevKeys.in(node.dataDir())).publicKeys()))
            : Future.succeededFuture(new KeyVerifiers(new JWKSet()));
      } else if (node.running()) {
        fixed = null;
        cache = node.keep("jwks:" + config.jwksUrl() + "#" + config.refreshSeconds() + "/" + config.refetchSeconds(),
            () -> new JwksCache(node.vertx(), node.httpClient(), config.jwksUrl(), config.refreshSeconds(),
                config.refetchSeconds()));
        node.keep("jwks-status:" + config.issuer(), () -> new IssuerStatus(config.issuer(), cache));
        cache.keys(); // fetch ahead of the first request
      } else {
        cache = null;
        fixed = Future.failedFuture("not running");
      }
    }

    /**
     * The verifiers to trust a token verified earlier with, without waiting: the static set, or
     * the adopted JWKS while it is fresh; null when a fresh look is due (verify in full again).
     */
    KeyVerifiers current() {
      if (fixed != null) {
        return fixed.succeeded() ? fixed.result() : null;
      }
      Adopted now = adopted;
      return now != null && now.set().expiresAt() > System.currentTimeMillis() ? now.verifiers() : null;
    }

    Future<KeyVerifiers> verifiers(String kid) {
      if (fixed != null) {
        return fixed;
      }
      return cache.keys().compose(set -> {
        KeyVerifiers ready = adopt(set);
        return ready.has(kid) ? Future.succeededFuture(ready) : cache.withKid(kid).map(this::adopt);
      });
    }

    private KeyVerifiers adopt(JwksCache.KeySet set) {
      Adopted now = adopted;
      if (now == null || now.set() != set) {
        now = new Adopted(set, new KeyVerifiers(set.keys()));
        adopted = now;
      }
      return now.verifiers();
    }
  }

  /** An issuer's key-set state for {@code /admin/status}. */
  public record IssuerStatus(String issuer, JwksCache cache) {
    public io.vertx.core.json.JsonObject toJson() {
      return cache.status().put("issuer", issuer);
    }
  }
}
