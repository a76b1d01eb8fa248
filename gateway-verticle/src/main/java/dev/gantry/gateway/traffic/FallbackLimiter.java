package dev.gantry.gateway.traffic;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The shared store with a way out: decisions go to Redis while it answers; while it does not
 * ({@link StoreHealth}), {@link StoreFailureMode#ALLOW_LOCAL} counts on this node against the
 * limit divided by the gateway nodes (so the cluster as a whole admits about the limit), and
 * {@link StoreFailureMode#DENY} fails the decision with {@link StoreUnavailableException}.
 */
final class FallbackLimiter implements Limiter {
  private final Limiter shared;
  private final LocalLimiter local;
  private final StoreHealth health;
  private final StoreFailureMode mode;
  private final IntSupplier gatewayNodes;

  FallbackLimiter(Limiter shared, LocalLimiter local, StoreHealth health, StoreFailureMode mode,
      IntSupplier gatewayNodes) {
    this.shared = shared;
    this.local = local;
    this.health = health;
    this.mode = mode;
    this.gatewayNodes = gatewayNodes;
  }

  @Override
  public Future<Decision> acquire(String subject, List<Window> windows) {
    long started = System.currentTimeMillis();
    if (!health.shouldTry(started)) {
      return fallback(subject, windows);
    }
    Future<Decision> decided = shared.acquire(subject, windows);
    if (decided.succeeded()) { // from a batch this node holds: no call was made, nothing to wait for
      health.succeeded(started);
      return decided;
    }
    return decided.transform(ar -> {
      if (ar.succeeded()) {
        health.succeeded(started);
        return Future.succeededFuture(ar.result());
      }
      health.failed(ar.cause(), System.currentTimeMillis());
      return fallback(subject, windows);
    });
  }

  private Future<Decision> fallback(String subject, List<Window> windows) {
    if (mode == StoreFailureMode.DENY) {
      return Future.failedFuture(new StoreUnavailableException("the rate-limit store is unreachable"));
    }
    int nodes = Math.max(1, gatewayNodes.getAsInt());
    return Future.succeededFuture(local.decide(subject, windows.stream()
        .map(w -> w.withLimit(Math.max(1, w.limit() / nodes))).toList()));
  }
}
