package dev.gantry.gateway.auth;

import dev.gantry.codecs.Failure;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Future;


/**
 * The refusals of authentication and authorization (RFC 6750 §3): 401 with a
 * {@code WWW-Authenticate} challenge — no {@code error} when the request had no credentials,
 * {@code invalid_request} when it was malformed, {@code invalid_token} for any token that does
 * not pass (never which check failed) — and 403 {@code insufficient_scope} naming the scopes
 * needed. The precise reason goes to the metrics and the access log only.
 */
final class Challenge {
  private final String policy;
  private final String scheme;
  private final String realm;
  private final Refusals refusals;

  Challenge(String policy, String scheme, String realm, Refusals refusals) {
    this.policy = policy;
    this.scheme = scheme;
    this.realm = realm;
    this.refusals = refusals;
  }

  /** 401 without an error code: the request carried no credentials of this scheme. */
  Future<Reply> missing(RouteExchange exchange) {
    return refuse(exchange, Failure.UNAUTHORIZED, 401, "missing", null,
        "the request needs credentials (" + scheme + ")");
  }

  /** 401 invalid_token; {@code reason} is for metrics and logs, never for the client. */
  Future<Reply> invalid(RouteExchange exchange, String reason) {
    return refuse(exchange, Failure.UNAUTHORIZED, 401, reason, "invalid_token", "the credentials are not valid");
  }

  /** 400 invalid_request: the credentials are not even well formed (two of them, a bad scheme). */
  Future<Reply> malformed(RouteExchange exchange, String reason) {
    return refuse(exchange, Failure.BAD_REQUEST, 400, reason, "invalid_request", "the credentials are malformed");
  }

  /** 403 insufficient_scope. */
  Future<Reply> insufficient(RouteExchange exchange, String reason, String neededScopes) {
    Reply reply = Reply.problem(Failure.FORBIDDEN, neededScopes.isEmpty() ? "the principal lacks a required role"
        : "the principal lacks a required scope: " + neededScopes);
    reply.headers().set("WWW-Authenticate", scheme + " realm=\"" + realm
        + "\", error=\"insufficient_scope\"" + (neededScopes.isEmpty() ? "" : ", scope=\"" + neededScopes + "\""));
    note(exchange, 403, reason);
    return Future.succeededFuture(reply);
  }

  /**
   * 503 with {@code Retry-After}: the credentials could not be checked (no key set, the identity
   * provider or the key store down) — not the client's fault, and never a 401.
   */
  Future<Reply> unavailable(RouteExchange exchange, String reason, String detail, int retryAfterSeconds) {
    Reply reply = Reply.problem(Failure.UNAVAILABLE, detail);
    reply.headers().set("Retry-After", Integer.toString(retryAfterSeconds));
    note(exchange, 503, reason);
    return Future.succeededFuture(reply);
  }

  private Future<Reply> refuse(RouteExchange exchange, Failure failure, int status, String reason, String error,
      String detail) {
    Reply reply = Reply.problem(failure, detail);
    reply.headers().set("WWW-Authenticate", scheme + " realm=\"" + realm + "\""
        + (error == null ? "" : ", error=\"" + error + "\""));
    note(exchange, status, reason);
    return Future.succeededFuture(reply);
  }

  private void note(RouteExchange exchange, int status, String reason) {
    exchange.decide(policy, reason);
    refusals.count(policy, exchange.routeId(), status, reason);
  }
}
