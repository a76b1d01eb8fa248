package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.request.RequestEnvelopeHandler;
import dev.gantry.gateway.resilience.Backoff;
import dev.gantry.gateway.resilience.RetryBudget;
import dev.gantry.gateway.route.RouteMatch;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.ShadowSpec;
import dev.gantry.gateway.spec.TargetSpec;
import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves requests that match a declared route; passes the others on. Per request: body limit,
 * target choice (pin, else weighted split), then attempts — each through the target's breaker —
 * retried on connect failures and configured statuses while the method allows it, attempts remain,
 * the deadline has time and the route's retry budget has room. A share of requests is copied to
 * the shadow target, without waiting for it.
 */
public final class ProxyHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
  static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);
  static final int TEE_LIMIT = 1 << 20;
  public static final String SHADOW_HEADER = "X-Gantry-Shadow";

  private final Vertx vertx;
  private final ProxyState state;
  private final HttpForwarder forwarder;
  private final long defaultTimeoutMillis;
  private final long defaultMaxBodyBytes;
  private final ServiceCatalog catalog;
  private final ServiceClient services;

  public ProxyHandler(Vertx vertx, ProxyState state, HttpForwarder forwarder, ServiceCatalog catalog,
      long defaultTimeoutMillis, long defaultMaxBodyBytes) {
    this.vertx = vertx;
    this.state = state;
    this.forwarder = forwarder;
    this.catalog = catalog;
    this.services = new ServiceClient(vertx);
    this.defaultTimeoutMillis = defaultTimeoutMillis;
    this.defaultMaxBodyBytes = defaultMaxBodyBytes;
  }

  /** One request on its way through a route. */
  private record Exchange(RoutingContext ctx, RouteSpec route, TargetSpec target, String uri, Buffer body,
      long deadline, boolean retryable, long maxBody) {}

  /** An upstream response whose body is still to be relayed, and the endpoint holding it. */
  private record Answer(HttpClientResponse response, Endpoint endpoint) {}

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    RouteMatch match = state.table().match(req);
    if (match == null) {
      ctx.next();
      return;
    }
    req.pause();
    RouteSpec route = match.route().spec();
    long maxBody = route.maxBodyBytes() >= 0 ? route.maxBodyBytes() : defaultMaxBodyBytes;
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parseLength(length) > maxBody) {
      fail(ctx, new ServiceException(Failure.PAYLOAD_TOO_LARGE,
          "body: larger than the " + maxBody + " bytes route " + route.id() + " accepts"));
      return;
    }
    long now = System.currentTimeMillis();
    long deadline = now + (route.timeoutMillis() > 0 ? route.timeoutMillis() : defaultTimeoutMillis);
    boolean idempotent = IDEMPOTENT.contains(req.method());
    boolean retryable = route.retry().attempts() > 0 && (idempotent || route.retry().nonIdempotent());
    ShadowSpec shadow = route.shadow();
    boolean shadowed = shadow != null && (idempotent || shadow.nonIdempotent())
        && ThreadLocalRandom.current().nextDouble(100) < shadow.percent();
    String uri = match.upstreamPath(req.path()) + (req.query() == null ? "" : "?" + req.query());
    state.budget(route).request(now);
    TargetSpec target = chooseTarget(route, req);
    if (HttpForwarder.isUpgrade(req) && target.kind() == TargetSpec.Kind.UPSTREAM) {
      tunnel(ctx, route, target, uri, deadline - now);
      return;
    }
    boolean service = target.kind() == TargetSpec.Kind.SERVICE;
    Future<Buffer> body = (retryable || shadowed || service) && HttpForwarder.hasBody(req)
        ? readBody(req, maxBody, route.id()) : Future.succeededFuture(null);
    body.onFailure(e -> fail(ctx, e)).onSuccess(buffered -> {
      Exchange ex = new Exchange(ctx, route, target, uri, buffered, deadline, retryable, maxBody);
      if (service) {
        Promise<HttpReply> replied = Promise.promise();
        serviceAttempt(ex, match.upstreamPath(req.path()), 0, replied);
        replied.future().onSuccess(reply -> writeReply(ctx, route, reply)).onFailure(e -> fail(ctx, e));
        return;
      }
      Promise<Answer> answered = Promise.promise();
      attempt(ex, 0, new HashSet<>(), answered);
      Future<Buffer> relayed = answered.future().compose(a -> forwarder
          .relay(ctx.response(), a.response(), route.responseHeaders(), shadowed ? TEE_LIMIT : 0)
          .onComplete(ar -> a.endpoint().end()));
      answered.future().onFailure(e -> fail(ctx, e));
      relayed.onFailure(e -> LOG.debug("route {}: relay ended early: {}", route.id(), e.toString()));
      if (shadowed) {
        shadow(ex, shadow, answered.future(), relayed);
      }
    });
  }

  private void attempt(Exchange ex, int n, Set<Endpoint> tried, Promise<Answer> answered) {
    long remaining = ex.deadline() - System.currentTimeMillis();
    if (remaining <= 0) {
      answered.fail(new ServiceException(Failure.TIMEOUT, "route " + ex.route().id()
          + ": no answer from upstream " + ex.target().name() + " before the deadline"));
      return;
    }
    UpstreamPool pool = state.pool(ex.target().name());
    if (pool == null) {
      answered.fail(new ServiceException(Failure.UNAVAILABLE, "upstream " + ex.target().name() + " is not defined"));
      return;
    }
    Endpoint endpoint = pool.choose(hashKey(pool, ex.ctx().request()), tried);
    if (endpoint == null) {
      answered.fail(new ServiceException(Failure.UNAVAILABLE,
          "no target of upstream " + ex.target().name() + " is left to try"));
      return;
    }
    tried.add(endpoint);
    endpoint.begin();
    Supplier<Future<HttpClientResponse>> call = () -> forwarder.send(ex.ctx().request(),
        RequestEnvelopeHandler.of(ex.ctx()), endpoint, ex.uri(), ex.body(), remaining, ex.route().requestHeaders(),
        ex.maxBody());
    Future<HttpClientResponse> sent = throughBreaker(ex, call, r -> r.statusCode() >= 500);
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        HttpClientResponse response = ar.result();
        int status = response.statusCode();
        if (status >= 500) {
          pool.failed(endpoint);
        } else {
          pool.succeeded(endpoint);
        }
        boolean replayable = ex.body() != null || !HttpForwarder.hasBody(ex.ctx().request());
        if (ex.route().retry().statuses().contains(status) && replayable && mayRetry(ex, n)) {
          HttpForwarder.discard(response).onComplete(v -> {
            endpoint.end();
            retryLater(ex, n, tried, answered);
          });
        } else {
          answered.complete(new Answer(response, endpoint));
        }
        return;
      }
      endpoint.end();
      Throwable e = ar.cause();
      if (e instanceof OpenCircuitException) {
        answered.fail(new ServiceException(Failure.UNAVAILABLE, "route " + ex.route().id()
            + ": circuit breaker for " + ex.target().label() + " is open"));
        return;
      }
      if (e instanceof ServiceException refused) {
        answered.fail(refused); // the client's fault (a body over the limit), not the target's
        return;
      }
      boolean timeout = e instanceof TimeoutException;
      boolean connect = isConnectFailure(e);
      if (!timeout) {
        pool.failed(endpoint);
      }
      // A connect failure sent nothing, so even a streamed body is still unread and can go again.
      boolean replayable = connect || ex.body() != null || !HttpForwarder.hasBody(ex.ctx().request());
      if (!timeout && replayable && mayRetry(ex, n)) {
        retryLater(ex, n, tried, answered);
      } else if (timeout) {
        answered.fail(new ServiceException(Failure.TIMEOUT, "route " + ex.route().id() + ": upstream "
            + ex.target().name() + " did not answer in time"));
      } else {
        answered.fail(new ServiceException(Failure.BAD_GATEWAY, "route " + ex.route().id() + ": upstream "
            + ex.target().name() + " failed: " + (connect ? "cannot connect to " + endpoint.target().address()
            : String.valueOf(e.getMessage()))));
      }
    });
  }

  private void tunnel(RoutingContext ctx, RouteSpec route, TargetSpec target, String uri, long timeoutMillis) {
    UpstreamPool pool = state.pool(target.name());
    Endpoint endpoint = pool == null ? null : pool.choose(hashKey(pool, ctx.request()), Set.of());
    if (endpoint == null) {
      fail(ctx, new ServiceException(Failure.UNAVAILABLE, "upstream " + target.name() + " has no target"));
      return;
    }
    endpoint.begin();
    forwarder.upgrade(ctx.request(), RequestEnvelopeHandler.of(ctx), endpoint, uri, timeoutMillis)
        .onComplete(ar -> {
          if (ar.failed()) {
            endpoint.end();
            pool.failed(endpoint);
            fail(ctx, new ServiceException(Failure.BAD_GATEWAY, "route " + route.id() + ": upgrade to "
                + endpoint.target().address() + " failed: " + ar.cause().getMessage()));
          } else {
            ctx.request().connection().closeHandler(v -> endpoint.end());
          }
        });
  }

  private boolean mayRetry(Exchange ex, int n) {
    long now = System.currentTimeMillis();
    return ex.retryable() && n < ex.route().retry().attempts() && ex.deadline() > now
        && state.budget(ex.route()).tryRetry(now);
  }

  private void retryLater(Exchange ex, int n, Set<Endpoint> tried, Promise<Answer> answered) {
    UpstreamPool pool = state.pool(ex.target().name());
    if (pool != null && tried.size() >= pool.endpoints().size()) {
      tried.clear();
    }
    later(ex, n, () -> attempt(ex, n + 1, tried, answered));
  }

  private void later(Exchange ex, int n, Runnable next) {
    long delay = Backoff.delay(n, ex.route().retry().backoffMillis(), ex.route().retry().maxBackoffMillis());
    if (delay <= 0) {
      next.run();
    } else {
      vertx.setTimer(delay, id -> next.run());
    }
  }

  /**
   * One attempt at an event-bus service target: the request goes as an {@link HttpCall} with the
   * route's deadline in its envelope (the service drops it once that passed), through the same
   * breaker, retry and budget rules as an HTTP upstream.
   */
  private void serviceAttempt(Exchange ex, String path, int n, Promise<HttpReply> replied) {
    TargetSpec target = ex.target();
    Envelope incoming = RequestEnvelopeHandler.of(ex.ctx());
    Envelope envelope = new Envelope(incoming.requestId(), incoming.traceparent(), ex.deadline(), incoming.principal());
    if (envelope.expired()) {
      replied.fail(new ServiceException(Failure.TIMEOUT, "route " + ex.route().id() + ": no answer from service "
          + target.label() + " before the deadline"));
      return;
    }
    HttpServerRequest req = ex.ctx().request();
    Map<String, String> headers = new LinkedHashMap<>();
    req.headers().forEach(h -> {
      if (!HttpForwarder.HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b);
      }
    });
    HttpCall call = new HttpCall(req.method().name(), path, req.query(), headers, ex.body());
    String address = Addresses.httpService(target.name(), target.version());
    Supplier<Future<HttpReply>> send = () -> catalog.lookup(target.name(), target.version()).compose(found -> found.isEmpty()
        ? Future.failedFuture(new ServiceException(Failure.UNAVAILABLE, "no instance of service " + target.label()
            + " is published in the cluster"))
        : services.<HttpReply>request(address, call, envelope).map(m -> m.body()));
    Future<HttpReply> sent = throughBreaker(ex, send, r -> r.status() >= 500);
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        if (ex.route().retry().statuses().contains(ar.result().status()) && mayRetry(ex, n)) {
          later(ex, n, () -> serviceAttempt(ex, path, n + 1, replied));
        } else {
          replied.complete(ar.result());
        }
        return;
      }
      Throwable e = ar.cause();
      if (e instanceof OpenCircuitException) {
        replied.fail(new ServiceException(Failure.UNAVAILABLE, "route " + ex.route().id()
            + ": circuit breaker for " + target.label() + " is open"));
      } else if (e instanceof ServiceException se && se.failure() == Failure.UNAVAILABLE && mayRetry(ex, n)) {
        later(ex, n, () -> serviceAttempt(ex, path, n + 1, replied));
      } else {
        replied.fail(e);
      }
    });
  }

  /**
   * Runs one attempt through the route target's breaker, if the route has one. A server error
   * counts as a breaker failure, yet the client still gets that answer.
   */
  @SuppressWarnings("unchecked")
  private <T> Future<T> throughBreaker(Exchange ex, Supplier<Future<T>> call, Predicate<T> serverError) {
    if (ex.route().breaker() == null) {
      return call.get();
    }
    CircuitBreaker breaker = state.breakers().of(ex.route().id(), ex.target().label(), ex.route().breaker());
    return breaker.<T>execute(() -> call.get().compose(r -> serverError.test(r)
            ? Future.failedFuture(new CountedFailure(r)) : Future.succeededFuture(r)))
        .recover(e -> e instanceof CountedFailure c ? Future.succeededFuture((T) c.answer) : Future.failedFuture(e));
  }

  /** An answer travelling through the breaker as a failure so that it is counted. */
  private static final class CountedFailure extends RuntimeException {
    final transient Object answer;

    CountedFailure(Object answer) {
      super("server error", null, false, false);
      this.answer = answer;
    }
  }

  private static void writeReply(RoutingContext ctx, RouteSpec route, HttpReply reply) {
    HttpServerResponse out = ctx.response().setStatusCode(reply.status());
    reply.headers().forEach((k, v) -> {
      if (!HttpForwarder.HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.equalsIgnoreCase("Content-Length")) {
        out.putHeader(k, v);
      }
    });
    HttpForwarder.apply(route.responseHeaders(), out.headers());
    out.end(reply.body());
  }

  private void shadow(Exchange ex, ShadowSpec spec, Future<Answer> primary, Future<Buffer> primaryBody) {
    ShadowStats stats = state.shadow(ex.route().id());
    UpstreamPool pool = state.pool(spec.target().name());
    Endpoint endpoint = pool == null ? null : pool.choose(hashKey(pool, ex.ctx().request()), Set.of());
    if (endpoint == null) {
      stats.failed(new IllegalStateException("no shadow target available"));
      return;
    }
    stats.copied();
    endpoint.begin();
    long timeout = Math.max(1, ex.deadline() - System.currentTimeMillis());
    Future<HttpClientResponse> sent = forwarder.send(ex.ctx().request(), RequestEnvelopeHandler.of(ex.ctx()), endpoint, ex.uri(), ex.body(), timeout,
        ex.route().requestHeaders().add().containsKey(SHADOW_HEADER) ? ex.route().requestHeaders()
            : withShadowHeader(ex.route().requestHeaders()), ex.maxBody());
    Future<Buffer> shadowBody = sent.compose(HttpForwarder::body);
    Future.all(primaryBody, shadowBody).onComplete(ar -> {
      endpoint.end();
      if (ar.failed()) {
        stats.failed(ar.cause());
        return;
      }
      stats.compare(primary.result().response().statusCode(), primaryBody.result(),
          sent.result().statusCode(), shadowBody.result(), spec.ignoreFields());
    });
  }

  private static dev.gantry.gateway.spec.HeaderOps withShadowHeader(dev.gantry.gateway.spec.HeaderOps ops) {
    java.util.Map<String, String> add = new java.util.LinkedHashMap<>(ops.add());
    add.put(SHADOW_HEADER, "true");
    return new dev.gantry.gateway.spec.HeaderOps(add, ops.remove(), ops.rename());
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
    long total = targets.stream().mapToLong(TargetSpec::weight).sum();
    long ticket = ThreadLocalRandom.current().nextLong(total);
    for (TargetSpec t : targets) {
      ticket -= t.weight();
      if (ticket < 0) {
        return t;
      }
    }
    return targets.get(targets.size() - 1);
  }

  private static String hashKey(UpstreamPool pool, HttpServerRequest req) {
    String on = pool.spec().hashOn();
    if (on == null) {
      return null;
    }
    if (on.startsWith("header:")) {
      return req.getHeader(on.substring(7));
    }
    if (on.startsWith("cookie:")) {
      Cookie c = req.getCookie(on.substring(7));
      return c == null ? null : c.getValue();
    }
    return req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
  }

  private static boolean isConnectFailure(Throwable e) {
    return e instanceof ConnectException || e.getClass().getSimpleName().contains("ConnectTimeout")
        || (e.getCause() instanceof ConnectException);
  }

  private static Future<Buffer> readBody(HttpServerRequest req, long maxBody, String routeId) {
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    req.handler(chunk -> {
      if (body.length() + chunk.length() > maxBody) {
        req.handler(null);
        promise.tryFail(new ServiceException(Failure.PAYLOAD_TOO_LARGE,
            "body: larger than the " + maxBody + " bytes route " + routeId + " accepts"));
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(promise::tryFail);
    req.endHandler(v -> promise.tryComplete(body));
    req.resume();
    return promise.future();
  }

  private static long parseLength(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (!ctx.request().isEnded()) {
      ctx.request().resume();
    }
    if (!ctx.response().headWritten()) {
      ctx.fail(e);
    }
  }
}
