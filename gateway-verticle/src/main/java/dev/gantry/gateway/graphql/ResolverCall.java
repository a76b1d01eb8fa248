package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.proxy.ProxyState;
import dev.gantry.gateway.resilience.Backoff;
import dev.gantry.gateway.spec.RouteSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.OpenCircuitException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One GraphQL execution's calls to services: each goes with the request's envelope (its principal
 * and trace) and the route's deadline, through the route's breaker for that service; a read
 * (query or subscription) that finds no instance is retried as the route's retry policy and
 * budget allow, a mutation never is. Counts its calls, for the access log and tests.
 */
final class ResolverCall {
  /** Key of this object in the execution's GraphQL context. */
  static final String KEY = "gantry.resolver-call";

  private final Vertx vertx;
  private final ServiceClient client;
  private final ProxyState state;
  private final RouteSpec route;
  private final Envelope envelope;
  private final long deadline;
  private final boolean read;
  private final AtomicInteger calls = new AtomicInteger();

  ResolverCall(Vertx vertx, ServiceClient client, ProxyState state, RouteSpec route, Envelope envelope, long deadline,
      boolean read) {
    this.vertx = vertx;
    this.client = client;
    this.state = state;
    this.route = route;
    this.envelope = envelope;
    this.deadline = deadline;
    this.read = read;
  }

  /** Sends {@code body} to {@code address} (a field of {@code service}); the future holds the reply's JSON. */
  Future<JsonObject> send(String service, String address, JsonObject body) {
    Promise<JsonObject> done = Promise.promise();
    attempt(service, address, body, 0, done);
    return done.future();
  }

  private void attempt(String service, String address, JsonObject body, int n, Promise<JsonObject> done) {
    calls.incrementAndGet();
    Envelope bounded = envelope.withDeadline(deadline);
    Future<JsonObject> sent;
    if (route.breaker() == null) {
      sent = call(address, body, bounded);
    } else {
      CircuitBreaker breaker = state.breakers().of(route.id(), "graphql:" + service, route.breaker());
      sent = breaker.<JsonObject>execute(() -> call(address, body, bounded)).recover(e -> Future.failedFuture(
          e instanceof OpenCircuitException ? new ServiceException(Failure.UNAVAILABLE, "circuit breaker for service "
              + service + " is open") : e));
    }
    sent.onSuccess(done::complete).onFailure(e -> {
      long now = System.currentTimeMillis();
      if (read && e instanceof ServiceException se && se.failure() == Failure.UNAVAILABLE
          && n < route.retry().attempts() && deadline > now && state.budget(route).tryRetry(now)) {
        long delay = Backoff.delay(n, route.retry().backoffMillis(), route.retry().maxBackoffMillis());
        Runnable again = () -> attempt(service, address, body, n + 1, done);
        if (delay <= 0) {
          again.run();
        } else {
          vertx.setTimer(delay, id -> again.run());
        }
      } else {
        done.fail(e);
      }
    });
  }

  private Future<JsonObject> call(String address, JsonObject body, Envelope bounded) {
    return client.<Object>request(address, body, bounded).compose(this::json);
  }

  private Future<JsonObject> json(Message<Object> reply) {
    return reply.body() instanceof JsonObject json ? Future.succeededFuture(json)
        : Future.failedFuture(new ServiceException(Failure.BAD_GATEWAY, "a resolver answered something other than JSON"));
  }

  /** How many service calls (attempts) this execution made so far. */
  int calls() {
    return calls.get();
  }

  Envelope envelope() {
    return envelope;
  }
}
