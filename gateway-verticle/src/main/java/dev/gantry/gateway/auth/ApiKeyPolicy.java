package dev.gantry.gateway.auth;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.security.IdentityMemo;
import io.vertx.core.Future;
import java.util.List;

/**
 * The {@code api-key} policy: a key issued through the admin API, presented in a header. A valid
 * key makes the principal its consumer, with the key's scopes; anything else is one 401 that does
 * not say whether the key was unknown, revoked, expired or wrong.
 */
public final class ApiKeyPolicy implements Policy {
  /** One principal per cached key: limit keys are found again by the principal's identity ({@code LimitKey}). */
  private final IdentityMemo<ApiKeyStore.ApiKey, Principal> principals =
      new IdentityMemo<>(1024);
  private final ApiKeyType.Config config;
  private final ApiKeyStore store;
  private final Challenge challenge;

  ApiKeyPolicy(ApiKeyType.Config config, PolicyRuntime runtime, ApiKeyStore store) {
    this.config = config;
    this.store = store;
    this.challenge = new Challenge("api-key", "ApiKey", config.realm(), Refusals.of(runtime));
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
      return challenge.unavailable(exchange, "no-store",
          "API keys cannot be checked: no Postgres is configured for this gateway", 60);
    }
    return store.check(values.get(0).strip()).transform(ar -> {
      if (ar.failed()) {
        return challenge.unavailable(exchange, "store-unavailable", "API keys cannot be checked now", 5);
      }
      if (ar.result().isEmpty()) {
        return challenge.invalid(exchange, "unknown-key");
      }
      ApiKeyStore.ApiKey key = ar.result().get();
      Principal who = principals.get(key); // the store's cache hands out one key object while it holds it
      exchange.authenticate(who != null ? who
          : principals.put(key, new Principal(key.consumer(), null, key.scopes(), List.of(), key.consumer(), "api-key")));
      return next.proceed(exchange);
    });
  }
}
