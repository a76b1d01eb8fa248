package dev.gantry.gateway.proxy;

import dev.gantry.gateway.resilience.Backoff;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What upstream and service attempts share: whether another try is allowed (method, attempts
 * left, deadline, budget), when it happens (backoff with jitter), and the breaker around a try;
 * and whether a request whose service instance was lost may go to another one.
 */
final class Attempts {
  private final Vertx vertx;
  private final ProxyState state;

  Attempts(Vertx vertx, ProxyState state) {
    this.vertx = vertx;
    this.state = state;
  }

  boolean mayRetry(Exchange ex, int n) {
    long now = System.currentTimeMillis();
    return ex.retryable() && n < ex.route().retry().attempts() && ex.deadline() > now
        && state.budget(ex.route()).tryRetry(now);
  }

  /**
   * Whether a request whose instance was lost (its node left, or could not be reached) may go to
   * another instance at once: only an idempotent method, within the deadline, at most
   * {@value #MAX_FAILOVERS} times. Independent of the route's retry policy and budget: the
   * instance, not the request, failed, and another live one can answer it.
   */
  boolean mayFailOver(Exchange ex, int failovers) {
    return ProxyHandler.idempotent(ex.call().request().method()) && failovers < MAX_FAILOVERS
        && ex.deadline() > System.currentTimeMillis();
  }

  static final int MAX_FAILOVERS = 2;

  void later(Exchange ex, int n, Runnable next) {
    long delay = Backoff.delay(n, ex.route().retry().backoffMillis(), ex.route().retry().maxBackoffMillis());
    if (delay <= 0) {
      next.run();
    } else {
      vertx.setTimer(delay, id -> next.run());
    }
  }

  /**
   * Runs one attempt through the route target's breaker, if the route has one. A server error
   * counts as a breaker failure, yet the client still gets that answer.
   */
  @SuppressWarnings("unchecked")
  <T> Future<T> throughBreaker(Exchange ex, Supplier<Future<T>> call, Predicate<T> serverError) {
    if (ex.route().breaker() == null) {
      return call.get();
    }
    CircuitBreaker breaker = state.breakers().of(ex.route().id(), ex.target().label(), ex.route().breaker());
    return breaker.<T>execute(() -> call.get().compose(r -> serverError.test(r)
            ? Future.failedFuture(new CountedFailure(r)) : Future.succeededFuture(r)))
        .recover(e -> e instanceof CountedFailure c ? Future.succeededFuture((T) c.answer) : Future.failedFuture(e));
  }

  /** An answer travelling through the breaker as a failure so that it is counted. */
  static final class CountedFailure extends RuntimeException {
    final transient Object answer;

    CountedFailure(Object answer) {
      super("server error", null, false, false);
      this.answer = answer;
    }
  }
}
