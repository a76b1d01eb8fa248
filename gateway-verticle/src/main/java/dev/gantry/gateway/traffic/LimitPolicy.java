package dev.gantry.gateway.traffic;

import dev.gantry.codecs.Failure;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.security.IdentityMemo;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.Function;

/**
 * The request path of both limit types: ask the {@link Limiter} about the request's windows, then
 * pass it on (and mark the reply with the RateLimit fields on its way out, whatever answers it) or
 * answer 429 with {@code Retry-After}; while a {@code deny} store is down, 503. It runs before a
 * WebSocket upgrade too: an upgrade is a request like any other.
 */
final class LimitPolicy implements Policy {
  /** The windows of one request at one instant, and the subject they are counted under. */
  record Plan(String subject, List<Window> windows) {}

  /**
   * A policy's subjects ({@code rl|route|key}) by the identity of the limit key they hold: the
   * key is one string per principal or connection ({@link LimitKey}), so a client's subject is
   * made once, and handed on as the same string its batch is found under.
   */
  static final class Subjects {
    private record Made(String routeId, String text) {}

    private final String prefix;
    private final IdentityMemo<String, Made> memo =
        new IdentityMemo<>(1024);

    Subjects(String prefix) {
      this.prefix = prefix;
    }

    String of(String routeId, String key) {
      Made made = memo.get(key);
      if (made != null && java.util.Objects.equals(made.routeId, routeId)) {
        return made.text;
      }
      String text = prefix + routeId + '|' + key;
      memo.put(key, new Made(routeId, text));
      return text;
    }
  }

  private final String type;
  private final Function<RouteExchange, Plan> plan;
  private final Limiter limiter;
  private final Refusals refusals;
  /** The last RateLimit-Policy field and the windows it was written for: they change rarely (a quota's month). */
  private volatile PolicyField last;

  private record PolicyField(List<Window> windows, String text) {
    boolean describes(List<Window> others) {
      if (others.size() != windows.size()) {
        return false;
      }
      for (int i = 0; i < others.size(); i++) {
        Window a = windows.get(i);
        Window b = others.get(i);
        if (a.limit() != b.limit() || a.lengthMillis() != b.lengthMillis() || !a.name().equals(b.name())) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * @param type    the policy type's name ({@code rate-limit}, {@code quota}): refusal counters and problem details
   * @param plan    the request's subject and windows
   * @param limiter where the counters are
   */
  LimitPolicy(String type, Function<RouteExchange, Plan> plan, Limiter limiter, Refusals refusals) {
    this.type = type;
    this.plan = plan;
    this.limiter = limiter;
    this.refusals = refusals;
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    Plan p = plan.apply(exchange);
    PolicyField field = last;
    if (field == null || !field.describes(p.windows())) {
      field = new PolicyField(p.windows(), RateLimitFields.policy(p.windows()));
      last = field;
    }
    String policyField = field.text();
    Future<Decision> decided = limiter.acquire(p.subject(), p.windows());
    if (decided.succeeded()) { // most decisions come from a batch already held: go on without a future between
      return decided(exchange, next, policyField, decided.result());
    }
    return decided.transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(unavailable(exchange, policyField, ar.cause()));
      }
      return decided(exchange, next, policyField, ar.result());
    });
  }

  private Future<Reply> decided(RouteExchange exchange, Next next, String policyField, Decision decision) {
    if (!decision.allowed()) {
      return Future.succeededFuture(refuse(exchange, policyField, decision));
    }
    return next.proceed(exchange).andThen(done -> {
      if (done.succeeded()) {
        if (done.result() != null) {
          RateLimitFields.put(done.result().headers(), policyField, decision);
        }
        return;
      }
      // Answered by the failure handler (a 502, a 504): the fields go on the response itself.
      HttpServerResponse response = exchange.request().response();
      if (!response.headWritten()) {
        RateLimitFields.put(response.headers(), policyField, decision);
      }
    });
  }

  private Reply refuse(RouteExchange exchange, String policyField, Decision decision) {
    Decision.Standing over = decision.windows().stream().filter(s -> s.retryAfterSeconds() > 0).findFirst()
        .orElse(decision.tightest());
    Window w = over.window();
    refusals.count(type, exchange.routeId(), 429, w.name());
    exchange.decide("limit", type + ":" + w.name());
    Reply reply = Reply.problem(Failure.TOO_MANY_REQUESTS, type + ": more than " + w.limit() + " requests per "
        + seconds(w.lengthMillis()) + " (limit " + w.name() + "); retry in " + decision.retryAfterSeconds() + " s");
    MultiMap headers = reply.headers();
    headers.set(RateLimitFields.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
    RateLimitFields.put(headers, policyField, decision);
    return reply;
  }

  private Reply unavailable(RouteExchange exchange, String policyField, Throwable cause) {
    refusals.count(type, exchange.routeId(), 503, "store-unavailable");
    exchange.decide("limit", type + ":store-unavailable");
    String why = cause instanceof StoreUnavailableException ? cause.getMessage() : "the limit store failed";
    Reply reply = Reply.problem(Failure.UNAVAILABLE, type + ": " + why + "; this route admits nobody until it answers");
    reply.headers().set(RateLimitFields.RETRY_AFTER, Long.toString(StoreHealth.PROBE_EVERY_MILLIS / 1000));
    RateLimitFields.put(reply.headers(), policyField, null);
    return reply;
  }

  private static String seconds(long millis) {
    return millis % 86_400_000 == 0 ? millis / 86_400_000 + " d" : millis / 1000 + " s";
  }

  @Override
  public boolean appliesToUpgrade() {
    return true;
  }
}
