package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Failure;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.edge.Framing;
import dev.gantry.gateway.files.StaticFiles;
import dev.gantry.gateway.graphql.GraphqlTarget;
import dev.gantry.gateway.request.GatewayCall;
import dev.gantry.gateway.observe.RequestObserver;
import dev.gantry.gateway.policy.PolicyChain;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.route.RouteMatch;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.ShadowSpec;
import dev.gantry.gateway.spec.TargetSpec;
import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.WeightedRandom;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves requests that match a declared route; passes the others on. Per request: body limit,
 * target choice (pin, else weighted split), then attempts — each through the target's breaker —
 * retried on connect failures and configured statuses while the method allows it, attempts remain,
 * the deadline has time and the route's retry budget has room. A share of requests is copied to
 * the shadow target, without waiting for it.
 */
public final class ProxyHandler implements Handler<GatewayCall> {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
  /**
   * RFC 9110 §9.2.2's idempotent methods. Vert.x hands out its constants for the methods it knows,
   * so identity decides (a set's lookup would hash the method's name on every request).
   */
  static boolean idempotent(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
        || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
  }
  static final int TEE_LIMIT = 1 << 20;
  /** Bodies up to this length (by Content-Length) are read whole before the upstream is called. */
  static final long READ_FIRST_BYTES = 64 * 1024;
  public static final String SHADOW_HEADER = "X-Gantry-Shadow";
  /** Names the node whose service instance answered. */
  public static final String SERVED_BY_HEADER = "X-Gantry-Served-By";

  private final Vertx vertx;
  private final ProxyState state;
  private final HttpForwarder forwarder;
  private final long defaultTimeoutMillis;
  private final long defaultMaxBodyBytes;
  private final UpstreamCall upstreams;
  private final ServiceCall services;
  private final ShadowCopier shadows;
  private final StaticFiles files;
  private final GraphqlTarget graphql;
  private final AggregateTarget aggregate;

  public ProxyHandler(Vertx vertx, ProxyState state, HttpForwarder forwarder, ServiceCatalog catalog,
      long defaultTimeoutMillis, long defaultMaxBodyBytes) {
    this.vertx = vertx;
    this.state = state;
    this.forwarder = forwarder;
    Attempts attempts = new Attempts(vertx, state);
    this.upstreams = new UpstreamCall(state, forwarder, attempts);
    this.services = new ServiceCall(vertx, catalog, attempts, state);
    this.shadows = new ShadowCopier(state, forwarder);
    this.files = new StaticFiles(vertx);
    this.graphql = new GraphqlTarget(vertx, state, state::federation);
    this.aggregate = new AggregateTarget(vertx, state, forwarder, catalog);
    this.defaultTimeoutMillis = defaultTimeoutMillis;
    this.defaultMaxBodyBytes = defaultMaxBodyBytes;
  }

  /** Paths the health endpoints answer, after the gateway-wide policies and before any route. */
  private static final String HEALTH_PREFIX = "/health/";
  /** What a step returns when the request left the policy path (no route: the API routes answer). */
  private static final Future<Reply> HANDED_OFF = Future.succeededFuture();

  /**
   * The request path: gateway-wide policies, then the route match, the route's policies and its
   * target; the reply is written once, by the one writer, whatever produced it.
   */
  @Override
  public void handle(GatewayCall call) {
    HttpServerRequest req = call.request();
    RouteExchange exchange = new RouteExchange(req, null, call.envelope(), call::envelope, state.heldBodies());
    call.exchange(exchange);
    call.onEnd(completed -> exchange.release()); // also when the connection closed first
    // Matching is pure: done first, so gateway-wide policies know the route (a WAF's exclusions
    // name routes), while the route's own policies still run after the gateway-wide ones.
    RouteMatch match = req.path().startsWith(HEALTH_PREFIX) ? null : state.table().match(req);
    if (match != null) {
      exchange.matched(match.route().spec().id());
      RequestObserver.name(call, match.route().spec().id());
    }
    PolicyChain gatewayWide = state.gatewayPolicies();
    Future<Reply> reply;
    if (gatewayWide.isEmpty()) {
      reply = route(call, exchange, match);
    } else {
      req.pause(); // policies may take their time: the body waits for the target
      reply = HttpForwarder.isUpgrade(req) ? gatewayWide.runBeforeUpgrade(exchange, ex -> route(call, exchange, match))
          : gatewayWide.run(exchange, ex -> route(call, exchange, match));
    }
    reply.onComplete(ar -> {
      if (ar.failed()) {
        fail(call, ar.cause());
      } else if (ar.result() != null) {
        write(call, exchange, ar.result());
      }
    });
  }

  private Future<Reply> route(GatewayCall call, RouteExchange exchange, RouteMatch match) {
    HttpServerRequest req = call.request();
    if (req.path().startsWith(HEALTH_PREFIX)) {
      // Health is the gateway's own (no route shadows it), yet behind the gateway-wide policies.
      req.resume();
      call.next();
      return HANDED_OFF;
    }
    // The edge keeps %2F encoded (one segment); only a route that says so takes such a path.
    boolean encodedSlash = req.path().contains("%2F");
    if (match == null) {
      if (encodedSlash) {
        return Future.failedFuture(new ServiceException(Failure.BAD_REQUEST, "path: encoded slash (%2F)"));
      }
      if (exchange.heldBody() == null) {
        req.resume();
      }
      call.next();
      return HANDED_OFF;
    }
    req.pause();
    RouteSpec route = match.route().spec();
    if (encodedSlash && !route.match().allowEncodedSlash()) {
      return Future.failedFuture(new ServiceException(Failure.BAD_REQUEST, "path: encoded slash (%2F); route "
          + route.id() + " does not allow it"));
    }
    PolicyChain policies = match.route().chain();
    TargetSpec only = route.targets().size() == 1 ? route.targets().get(0) : null;
    if (only != null && only.kind() == TargetSpec.Kind.GRAPHQL && HttpForwarder.isUpgrade(req)) {
      // graphql-transport-ws: the route's policies run at connection_init, over its payload's credentials
      return graphql.upgrade(exchange, route, only.graphql(), policies);
    }
    if (HttpForwarder.isUpgrade(req)) {
      return policies.runBeforeUpgrade(exchange, ex -> target(call, exchange, match, true));
    }
    return policies.isEmpty() ? target(call, exchange, match, false)
        : policies.run(exchange, ex -> target(call, exchange, match, false));
  }

  /** The route's target: an upstream pool (streamed, or tunnelled for an upgrade), a service or a directory. */
  private Future<Reply> target(GatewayCall call, RouteExchange exchange, RouteMatch match, boolean upgrade) {
    HttpServerRequest req = call.request();
    RouteSpec route = match.route().spec();
    long maxBody = route.maxBodyBytes() >= 0 ? route.maxBodyBytes() : defaultMaxBodyBytes;
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    Buffer held = exchange.heldBody(); // a policy (the WAF) read it already
    if (length != null && bodyLength(length) > maxBody || held != null && held.length() > maxBody) {
      return Future.failedFuture(new ServiceException(Failure.PAYLOAD_TOO_LARGE,
          "body: larger than the " + maxBody + " bytes route " + route.id() + " accepts"));
    }
    long now = System.currentTimeMillis();
    long routeDeadline = now + (route.timeoutMillis() > 0 ? route.timeoutMillis() : defaultTimeoutMillis);
    long grpcTimeout;
    try {
      grpcTimeout = GrpcDeadline.millis(req.getHeader(GrpcDeadline.HEADER));
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
    // a gRPC client's own deadline, when it is the shorter
    long deadline = grpcTimeout > 0 ? Math.min(routeDeadline, now + grpcTimeout) : routeDeadline;
    boolean idempotent = idempotent(req.method());
    boolean retryable = route.retry().attempts() > 0 && (idempotent || route.retry().nonIdempotent());
    ShadowSpec shadow = route.shadow();
    boolean shadowed = shadow != null && (idempotent || shadow.nonIdempotent())
        && ThreadLocalRandom.current().nextDouble(100) < shadow.percent();
    String uri = match.upstreamPath(req.path()) + (req.query() == null ? "" : "?" + req.query());
    if (route.retry().attempts() > 0) {
      state.budget(route).request(now); // only routes that retry keep a budget
    }
    TargetSpec target = chooseTarget(route, req);
    if (target.kind() == TargetSpec.Kind.STATIC) {
      if (!Framing.hasBody(req)) {
        req.resume(); // nothing to read: let the request end (a body left unread closes the connection)
      }
      return files.serve(req, match.upstreamPath(req.path()), target.files());
    }
    if (target.kind() == TargetSpec.Kind.GRAPHQL) {
      return graphql.serve(exchange, route, target.graphql(), match.route().pattern().remainder(req.path()), deadline, maxBody);
    }
    if (target.kind() == TargetSpec.Kind.AGGREGATE) {
      if (!Framing.hasBody(req)) {
        req.resume();
      }
      return aggregate.serve(exchange, match, target.aggregate(), deadline);
    }
    if (upgrade && target.kind() == TargetSpec.Kind.UPSTREAM) {
      tunnel(call, route, target, uri, deadline - now);
      return HANDED_OFF;
    }
    boolean service = target.kind() == TargetSpec.Kind.SERVICE;
    if (held != null) {
      return send(call, match, target, uri, held, deadline, retryable, maxBody, service, shadowed ? shadow : null);
    }
    // A small body is read before an upstream connection is taken, as nginx does: a client that
    // sends it slowly holds only its own connection, never one of the pool's.
    boolean small = length != null && bodyLength(length) <= READ_FIRST_BYTES;
    if ((retryable || shadowed || service || small) && Framing.hasBody(req)) {
      return withinDeadline(exchange.body(maxBody, "route " + route.id()), deadline, route.id())
          .compose(buffered -> send(call, match, target, uri, buffered, deadline, retryable, maxBody, service,
              shadowed ? shadow : null));
    }
    // nothing to hold: the body, if any, streams through
    return send(call, match, target, uri, null, deadline, retryable, maxBody, service, shadowed ? shadow : null);
  }

  private Future<Reply> send(GatewayCall call, RouteMatch match, TargetSpec target, String uri, Buffer buffered,
      long deadline, boolean retryable, long maxBody, boolean service, ShadowSpec shadow) {
    RouteSpec route = match.route().spec();
    Exchange ex = new Exchange(call, route, target, uri, buffered, deadline, retryable, maxBody);
    if (service) {
      return services.start(ex, match.upstreamPath(call.request().path())).map(reply -> ServiceCall.toReply(match, reply));
    }
    Future<UpstreamCall.Answer> answered = upstreams.start(ex);
    return answered.map(a -> {
      RelayedReply reply = new RelayedReply(a, forwarder, route.responseHeaders(), shadow != null ? TEE_LIMIT : 0);
      if (shadow != null) {
        shadows.copy(ex, shadow, answered, reply.relayed());
      }
      return reply;
    });
  }

  /** The one writer: every reply meets the client here. */
  private static void write(GatewayCall call, RouteExchange exchange, Reply reply) {
    if (call.response().headWritten()) {
      if (reply instanceof RelayedReply relayed) {
        relayed.discard(); // answered meanwhile (a slow body's 408): the upstream's answer is not wanted
      }
      return;
    }
    HttpServerRequest req = call.request();
    // A policy that answered before the body was read leaves it unread: the connection closes
    // after the answer rather than reading that body as the next request's bytes.
    // (a relayed reply never leaves it unread: asked first, as reading the request's headers again
    // this late — after the upstream's turn — is most of what this method costs)
    boolean close = req.version() != io.vertx.core.http.HttpVersion.HTTP_2 && reply.closesConnection()
        || !(reply instanceof RelayedReply) && Framing.bodyUnread(req);
    if (close) {
      call.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    reply.writeTo(call.response(), exchange).onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("route {}: reply ended early: {}", exchange.routeId(), ar.cause().toString());
      }
      if (close) {
        req.connection().close(); // a policy asked for it (a connection over its client's cap)
      }
    });
  }

  private void tunnel(GatewayCall call, RouteSpec route, TargetSpec target, String uri, long timeoutMillis) {
    UpstreamPool pool = state.pool(target.name());
    Endpoint endpoint = pool == null ? null : pool.choose(UpstreamCall.hashKey(pool, call.request()), Set.of());
    if (endpoint == null) {
      fail(call, new ServiceException(Failure.UNAVAILABLE, "upstream " + target.name() + " has no target"));
      return;
    }
    endpoint.begin();
    forwarder.upgrade(call.request(), call.envelope(), endpoint, uri, timeoutMillis)
        .onComplete(ar -> {
          if (ar.failed()) {
            endpoint.end();
            pool.failed(endpoint);
            fail(call, new ServiceException(Failure.BAD_GATEWAY, "route " + route.id() + ": upgrade to "
                + endpoint.target().address() + " failed: " + ar.cause().getMessage()));
          } else {
            call.request().connection().closeHandler(v -> endpoint.end());
            call.upgraded();
          }
        });
  }

  private static TargetSpec chooseTarget(RouteSpec route, HttpServerRequest req) {
    List<TargetSpec> targets = route.targets();
    if (targets.size() == 1) {
      return targets.get(0);
    }
    String pinned = route.pinHeader() == null ? null : req.getHeader(route.pinHeader());
    if (pinned == null && route.pinCookie() != null) {
      Cookie cookie = req.getCookie(route.pinCookie());
      pinned = cookie == null ? null : cookie.getValue();
    }
    if (pinned != null) {
      for (TargetSpec t : targets) {
        if (t.label().equals(pinned)) {
          return t;
        }
      }
    }
    return WeightedRandom.pick(targets, TargetSpec::weight);
  }

  /** The body read, or TIMEOUT at the route's deadline (which {@link #fail} answers 408: the client was slow). */
  private Future<Buffer> withinDeadline(Future<Buffer> body, long deadline, String routeId) {
    if (body.isComplete()) {
      return body;
    }
    Promise<Buffer> bounded = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, deadline - System.currentTimeMillis()), id -> bounded.tryFail(
        new ServiceException(Failure.TIMEOUT, "route " + routeId + ": the body did not arrive before the deadline")));
    body.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        bounded.tryComplete(ar.result());
      } else {
        bounded.tryFail(ar.cause());
      }
    });
    return bounded.future();
  }

  /** A declared body length; one that cannot be read counts as too large. */
  private static long bodyLength(String text) {
    long n = Framing.contentLength(text);
    return n < 0 ? Long.MAX_VALUE : n;
  }

  /**
   * Answers a failure. A deadline that passed while the client was still sending its body is the
   * client's: 408 (the problem responder closes a connection whose body was left unread).
   */
  private static void fail(GatewayCall call, Throwable e) {
    HttpServerRequest req = call.request();
    boolean bodyPending = !req.isEnded() && Framing.hasBody(req);
    if (bodyPending && e instanceof ServiceException se && se.failure() == Failure.TIMEOUT) {
      e = new ServiceException(Failure.REQUEST_TIMEOUT, "body: the request body did not arrive before the "
          + "route's deadline");
    } else if (!bodyPending && !req.isEnded()) {
      req.resume(); // a paused request without a body still has its end to deliver
    }
    if (!call.response().headWritten()) {
      call.fail(e);
    }
  }

}
