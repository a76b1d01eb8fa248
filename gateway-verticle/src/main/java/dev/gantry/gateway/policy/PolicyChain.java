package dev.gantry.gateway.policy;

import io.vertx.core.Future;
import java.util.List;

/**
 * A route's policies composed once, when the spec is applied: running it calls each policy in
 * order with the rest of the chain as its {@link Policy.Next}, ending at the terminal step (the
 * route's target). A route without policies has {@link #EMPTY}, which calls the terminal directly.
 */
public final class PolicyChain {
  public static final PolicyChain EMPTY = new PolicyChain(new Policy[0], new Policy[0]);
  private final Policy[] all;
  private final Policy[] upgrade;

  private PolicyChain(Policy[] all, Policy[] upgrade) {
    this.all = all;
    this.upgrade = upgrade;
  }

  /** Creates the policies of {@code specs} (already in phase order). */
  public static PolicyChain of(List<PolicySpec> specs, PolicyRuntime runtime) {
    if (specs.isEmpty()) {
      return EMPTY;
    }
    Policy[] all = specs.stream().map(spec -> spec.create(runtime)).toArray(Policy[]::new);
    Policy[] upgrade = java.util.Arrays.stream(all).filter(Policy::appliesToUpgrade).toArray(Policy[]::new);
    return new PolicyChain(all, upgrade);
  }

  public boolean isEmpty() {
    return all.length == 0;
  }

  /** Runs the chain, then {@code terminal}. */
  public Future<Reply> run(RouteExchange exchange, Policy.Next terminal) {
    return step(all, 0, exchange, terminal);
  }

  /** Runs the policies that apply before a protocol upgrade, then {@code terminal}. */
  public Future<Reply> runBeforeUpgrade(RouteExchange exchange, Policy.Next terminal) {
    return step(upgrade, 0, exchange, terminal);
  }

  private static Future<Reply> step(Policy[] policies, int i, RouteExchange exchange, Policy.Next terminal) {
    if (i == policies.length) {
      return terminal.proceed(exchange);
    }
    try {
      return policies[i].apply(exchange, ex -> step(policies, i + 1, ex, terminal));
    } catch (Throwable e) { // an Error too (a stack overflow): a policy's failure is answered like any other
      return Future.failedFuture(e);
    }
  }
}
