package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Future;
import java.util.List;

/**
 * The {@code authorize} policy: what the authenticated principal may do on this route. No
 * principal at all is a 401 challenge (the route's authentication was optional, or missing); a
 * principal without the scopes or roles the request's method needs is a 403
 * {@code insufficient_scope} naming the scopes.
 */
public final class Authorize implements Policy {
  private final AuthorizeConfig config;
  private final Challenge challenge;

  Authorize(AuthorizeConfig config, PolicyRuntime runtime) {
    this.config = config;
    this.challenge = new Challenge("authorize", "Bearer", config.realm(), Refusals.of(runtime));
  }

  @Override
  public boolean appliesToUpgrade() {
    return true;
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    Principal who = exchange.principal();
    if (who == null) {
      return challenge.missing(exchange);
    }
    String method = exchange.request().method().name();
    for (AuthorizeConfig.Rule rule : config.rules()) {
      if (!rule.covers(method)) {
        continue;
      }
      if (!scoped(rule, who)) {
        return challenge.insufficient(exchange, "scope", String.join(" ", rule.scopes()));
      }
      for (String role : rule.roles()) {
        if (!who.hasRole(role)) {
          return challenge.insufficient(exchange, "role", "");
        }
      }
      break; // the first rule covering the method decides
    }
    return next.proceed(exchange);
  }

  /** Whether {@code who} holds the rule's scopes: any one of them, or all, as the rule says; none asked is held. */
  private static boolean scoped(AuthorizeConfig.Rule rule, Principal who) {
    List<String> scopes = rule.scopes();
    if (scopes.isEmpty()) {
      return true;
    }
    for (String scope : scopes) {
      if (who.hasScope(scope) == rule.anyScope()) {
        return rule.anyScope(); // any: the first held decides; all: the first missing does
      }
    }
    return !rule.anyScope();
  }
}
