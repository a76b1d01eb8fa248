package dev.gantry.gateway.auth;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.Principal;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Future;
import java.util.List;

/**
 * The {@code api-key} policy: a key issued through the admin API, presented in a header. A valid
 * key makes the principal its consumer, with the key's scopes; anything else is one 401 that does
 * not say whether the key was unknown, revoked, expired or wrong.
 */
public final class ApiKeyPolicy implements Policy {
  private final ApiKeyType.Config config;
  private final ApiKeyStore store;
  private final Challenge challenge;
  private final Refusals refusals;

  ApiKeyPolicy(ApiKeyType.Config config, PolicyRuntime runtime, ApiKeyStore store) {
    this.config = config;
    this.store = store;
    this.refusals = Refusals.of(runtime);
    this.challenge = new Challenge("api-key", "ApiKey", config.realm(), refusals);
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
    if (store == null) {
      refusals.count("api-key", exchange.routeId(), 503, "no-store");
      return Future.succeededFuture(Reply.problem(Failure.UNAVAILABLE,
          "API keys cannot be checked: no Postgres is configured for this gateway"));
    }
    return store.check(values.get(0).strip()).transform(ar -> {
      if (ar.failed()) {
        refusals.count("api-key", exchange.routeId(), 503, "store-unavailable");
        Reply reply = Reply.problem(Failure.UNAVAILABLE, "API keys cannot be checked now");
        reply.headers().set("Retry-After", "5");
        return Future.succeededFuture(reply);
      }
      if (ar.result().isEmpty()) {
        return challenge.invalid(exchange, "unknown-key");
      }
      ApiKeyStore.ApiKey key = ar.result().get();
      exchange.authenticate(new Principal(key.consumer(), null, key.scopes(), List.of(), key.consumer(), "api-key"));
      return next.proceed(exchange);
    });
  }
}
