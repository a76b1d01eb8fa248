package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeHeaders;
import dev.gantry.gateway.route.RouteMatch;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.request.RequestEnvelopeHandler;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.TargetSpec;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.MultiMap;
import dev.gantry.gateway.policy.Reply;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Attempts at an event-bus service target: the request goes as an {@link HttpCall} to the
 * service's address with the route's deadline in its envelope, under the same retry, budget and
 * breaker rules as an upstream.
 */
final class ServiceCall {
  private final ServiceCatalog catalog;
  private final ServiceClient services;
  private final Attempts attempts;

  ServiceCall(Vertx vertx, ServiceCatalog catalog, Attempts attempts) {
    this.catalog = catalog;
    this.services = new ServiceClient(vertx);
    this.attempts = attempts;
  }

  Future<HttpReply> start(Exchange ex, String path) {
    Promise<HttpReply> replied = Promise.promise();
    serviceAttempt(ex, path, 0, replied);
    return replied.future();
  }

  /**
   * One attempt at an event-bus service target: the request goes as an {@link HttpCall} with the
   * route's deadline in its envelope (the service drops it once that passed), through the same
   * breaker, retry and budget rules as an HTTP upstream.
   */
  void serviceAttempt(Exchange ex, String path, int n, Promise<HttpReply> replied) {
    TargetSpec target = ex.target();
    Envelope incoming = RequestEnvelopeHandler.of(ex.ctx());
    Envelope envelope = incoming.withDeadline(ex.deadline());
    if (envelope.expired()) {
      replied.fail(new ServiceException(Failure.TIMEOUT, "route " + ex.route().id() + ": no answer from service "
          + target.label() + " before the deadline"));
      return;
    }
    HttpServerRequest req = ex.ctx().request();
    Map<String, String> headers = new LinkedHashMap<>();
    String[] named = HttpForwarder.connectionTokens(req.headers());
    req.headers().forEach(h -> {
      if (HttpForwarder.isEndToEnd(named, h.getKey()) && !HttpForwarder.spoofsPrincipal(h.getKey())) {
        headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b);
      }
    });
    HttpCall call = new HttpCall(req.method().name(), path, req.query(), headers, ex.body());
    String address = Addresses.httpService(target.name(), target.version());
    Supplier<Future<HttpReply>> send = () -> catalog.lookup(target.name(), target.version()).compose(found -> found.isEmpty()
        ? Future.failedFuture(new ServiceException(Failure.UNAVAILABLE, "no instance of service " + target.label()
            + " is published in the cluster"))
        : services.<HttpReply>request(address, call, envelope).map(ServiceCall::withServedBy));
    Future<HttpReply> sent = attempts.throughBreaker(ex, send, r -> r.status() >= 500);
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        if (ex.route().retry().statuses().contains(ar.result().status()) && attempts.mayRetry(ex, n)) {
          attempts.later(ex, n, () -> serviceAttempt(ex, path, n + 1, replied));
        } else {
          replied.complete(ar.result());
        }
        return;
      }
      Throwable e = ar.cause();
      if (e instanceof OpenCircuitException) {
        replied.fail(new ServiceException(Failure.UNAVAILABLE, "route " + ex.route().id()
            + ": circuit breaker for " + target.label() + " is open"));
      } else if (e instanceof ServiceException se && se.failure() == Failure.UNAVAILABLE && attempts.mayRetry(ex, n)) {
        attempts.later(ex, n, () -> serviceAttempt(ex, path, n + 1, replied));
      } else {
        replied.fail(e);
      }
    });
  }

  /** The reply, naming the node that served it ({@value ProxyHandler#SERVED_BY_HEADER}). */
  private static HttpReply withServedBy(io.vertx.core.eventbus.Message<HttpReply> message) {
    String node = message.headers().get(EnvelopeHeaders.SERVED_BY);
    HttpReply reply = message.body();
    if (node == null) {
      return reply;
    }
    Map<String, String> headers = new LinkedHashMap<>(reply.headers());
    headers.put(ProxyHandler.SERVED_BY_HEADER, node);
    return new HttpReply(reply.status(), headers, reply.body());
  }

  /**
   * A service's reply as the client gets it: hop-by-hop fields dropped, a {@code Location} under
   * the rewrite target mapped back under the route's prefix, the route's header changes applied.
   */
  static Reply toReply(RouteMatch match, HttpReply reply) {
    RouteSpec route = match.route().spec();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    reply.headers().forEach((k, v) -> {
      if (k.equalsIgnoreCase("Location")) {
        headers.add(k, match.route().pattern().unrewrite(v, route.rewrite()));
      } else if (!HttpForwarder.isHopByHop(k) && !k.equalsIgnoreCase("Content-Length")) {
        headers.add(k, v);
      }
    });
    HttpForwarder.apply(route.responseHeaders(), headers);
    return Reply.of(reply.status(), headers, reply.body());
  }
}
