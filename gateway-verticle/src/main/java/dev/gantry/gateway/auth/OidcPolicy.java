package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.policy.NodeResources;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code oidc} policy: bearer tokens of an OpenID Connect provider found by its discovery
 * document. JWT access tokens are verified by vertx-auth-oauth2 against the provider's published
 * keys; opaque tokens (and every token with {@code introspect: always}) are introspected (RFC 7662)
 * with the gateway's client credentials, the answer cached for at most its remaining life.
 */
public final class OidcPolicy implements Policy {
  private static final Logger LOG = LoggerFactory.getLogger(OidcPolicy.class);
  static final long REDISCOVER_AFTER_FAILURE_MILLIS = 30_000;
  private final OidcType.Config config;
  private final Challenge challenge;
  private final Provider provider;

  OidcPolicy(OidcType.Config config, PolicyRuntime runtime) {
    this.config = config;
    this.challenge = new Challenge("oidc", "Bearer", config.realm(), Refusals.of(runtime));
    NodeResources node = runtime.node();
    this.provider = node.running() ? node.keep("oidc:" + config, () -> new Provider(config, node)) : null;
  }

  @Override
  public boolean appliesToUpgrade() {
    return true;
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    List<String> values = exchange.request().headers().getAll("Authorization");
    if (values.isEmpty() || values.size() == 1 && !values.get(0).regionMatches(true, 0, "Bearer ", 0, 7)) {
      return config.optional() ? next.proceed(exchange) : challenge.missing(exchange);
    }
    if (values.size() > 1) {
      return challenge.malformed(exchange, "several-credentials");
    }
    String token = values.get(0).substring(7).strip();
    if (token.isEmpty() || token.length() > 16_384) {
      return challenge.invalid(exchange, token.isEmpty() ? "malformed" : "too-large");
    }
    boolean jwt = token.chars().filter(c -> c == '.').count() == 2;
    Future<Principal> checked = provider == null ? Future.failedFuture(new IllegalStateException("not running"))
        : jwt && !config.introspectAll() ? provider.verify(token) : provider.introspect(token);
    return checked.transform(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof Provider.Unavailable) {
          return challenge.unavailable(exchange, "provider-unavailable",
              "cannot check tokens now: the identity provider is unavailable", 30);
        }
        LOG.debug("oidc: token refused: {}", ar.cause().toString());
        return challenge.invalid(exchange, jwt && !config.introspectAll() ? "jwt" : "inactive");
      }
      exchange.authenticate(ar.result());
      return next.proceed(exchange);
    });
  }

  /** One provider per node: its discovery, its vertx-auth-oauth2 client and its introspection cache. */
  static final class Provider {
    /** The provider could not be reached: not the client's fault. */
    static final class Unavailable extends RuntimeException {
      Unavailable(String message) {
        super(message, null, false, false);
      }
    }

    private final OidcType.Config config;
    private final NodeResources node;
    private final Introspection introspection;
    private volatile Future<OAuth2Auth> auth;
    private volatile long failedAt;

    Provider(OidcType.Config config, NodeResources node) {
      this.config = config;
      this.node = node;
      this.introspection = new Introspection(config, node.vertx(), node.httpClient());
      discovered();
    }

    private Future<OAuth2Auth> discovered() {
      Future<OAuth2Auth> current = auth;
      if (current == null || current.failed() && System.currentTimeMillis() - failedAt > REDISCOVER_AFTER_FAILURE_MILLIS) {
        JWTOptions jwt = new JWTOptions().setLeeway(config.leewaySeconds()).setIssuer(config.issuer());
        if (!config.audiences().isEmpty()) {
          jwt.setAudience(config.audiences());
        }
        current = OpenIDConnectAuth.discover(node.vertx(), new OAuth2Options().setSite(config.issuer())
                .setClientId(config.clientId()).setClientSecret(config.clientSecret()).setJWTOptions(jwt))
            .onSuccess(a -> LOG.info("OIDC {}: discovered", config.issuer()))
            .onFailure(e -> {
              failedAt = System.currentTimeMillis();
              LOG.warn("OIDC {}: discovery failed: {}", config.issuer(), e.getMessage());
            });
        auth = current;
      }
      return current;
    }

    Future<Principal> verify(String token) {
      return discovered().recover(e -> Future.failedFuture(new Unavailable(e.getMessage())))
          .compose(a -> a.authenticate(new TokenCredentials(token)))
          .map(this::principal);
    }

    Future<Principal> introspect(String token) {
      return introspection.check(token).map(claims -> {
        if (!JwtPolicy.usableSubject(claims.getString("sub"))) {
          throw new Introspection.Inactive("subject");
        }
        return new Principal(claims.getString("sub"), claims.getString("iss", config.issuer()),
            JwtPolicy.strings(claims.getValue(config.scopeClaim()), true), List.of(), null, "oidc");
      });
    }

    private Principal principal(User user) {
      JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
      String sub = claims.getString("sub");
      if (!JwtPolicy.usableSubject(sub)) {
        throw new IllegalStateException("the token has no usable subject");
      }
      return new Principal(sub, claims.getString("iss"), JwtPolicy.strings(claims.getValue(config.scopeClaim()), true),
          List.of(), null, "oidc");
    }
  }
}
