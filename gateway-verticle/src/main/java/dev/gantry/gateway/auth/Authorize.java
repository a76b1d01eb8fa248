package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Future;

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
      boolean scoped = rule.scopes().isEmpty() || (rule.anyScope() ? rule.scopes().stream().anyMatch(who::hasScope)
          : rule.scopes().stream().allMatch(who::hasScope));
      if (!scoped) {
        return challenge.insufficient(exchange, "scope", String.join(" ", rule.scopes()));
      }
      if (!rule.roles().stream().allMatch(who::hasRole)) {
        return challenge.insufficient(exchange, "role", "");
      }
      break; // the first rule covering the method decides
    }
    return next.proceed(exchange);
  }
}
