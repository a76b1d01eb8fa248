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
import dev.gantry.discovery.CallPolicy;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.TargetSpec;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.MultiMap;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.discovery.ServiceRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Attempts at an event-bus service target: the request goes as an {@link HttpCall} to one
 * instance's own address (chosen here from the catalog, round robin, preferring nodes this request
 * has not tried) with the route's deadline in its envelope, under the same retry, budget and
 * breaker rules as an upstream. Requests in flight are tracked per node: when a node leaves the
 * cluster ({@link Addresses#NODE_LEFT}) they fail at once instead of waiting out the deadline, and
 * an idempotent one goes to another live instance; so does one the event bus could not deliver.
 * All state is confined to the listener's event loop, where the consumer and requests run.
 */
public final class ServiceCall {
  /** How many departed node ids are remembered; a node that comes back has a new id. */
  static final int DEPARTED_KEPT = 256;

  /** The identity the gateway calls services as, in the mesh's call policy. */
  public static final String IDENTITY = "gateway";
  private final ProxyState state;
  private final ServiceCatalog catalog;
  private final ServiceClient services;
  private final Attempts attempts;
  private final Map<String, Set<Promise<HttpReply>>> inFlight = new HashMap<>();
  private final Set<String> departed = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > DEPARTED_KEPT;
    }
  });
  private int next;

  ServiceCall(Vertx vertx, ServiceCatalog catalog, Attempts attempts, ProxyState state) {
    this.state = state;
    this.catalog = catalog;
    this.services = new ServiceClient(vertx);
    this.attempts = attempts;
    // Registered on the listener's context, so it goes when the listener is undeployed.
    vertx.eventBus().<String>localConsumer(Addresses.NODE_LEFT, m -> nodeLeft(m.body()));
  }

  Future<HttpReply> start(Exchange ex, String path) {
    Promise<HttpReply> replied = Promise.promise();
    serviceAttempt(ex, path, 0, 0, new HashSet<>(), replied);
    return replied.future();
  }

  /** Fails what is in flight to {@code node} now: its reply can no longer come. */
  private void nodeLeft(String node) {
    departed.add(node);
    Set<Promise<HttpReply>> sends = inFlight.remove(node);
    if (sends != null) {
      new ArrayList<>(sends).forEach(p -> p.tryFail(new InstanceLost(new ServiceException(Failure.UNAVAILABLE,
          "node " + node + " left the cluster while it served the request"))));
    }
  }

  /**
   * One attempt at an event-bus service target: the request goes as an {@link HttpCall} with the
   * route's deadline in its envelope (the service drops it once that passed), through the same
   * breaker, retry and budget rules as an HTTP upstream.
   *
   * @param failovers how many times this request already went to another instance after losing one
   * @param tried     nodes this request was sent to
   */
  void serviceAttempt(Exchange ex, String path, int n, int failovers, Set<String> tried, Promise<HttpReply> replied) {
    TargetSpec target = ex.target();
    Envelope incoming = ex.call().envelope();
    Envelope envelope = incoming.withDeadline(ex.deadline());
    if (envelope.expired()) {
      replied.fail(new ServiceException(Failure.TIMEOUT, "route " + ex.route().id() + ": no answer from service "
          + target.label() + " before the deadline"));
      return;
    }
    CallPolicy policy = state.spec().mesh();
    String refusal = policy.refuse(IDENTITY, target.name());
    if (refusal != null) {
      state.meshDenied(IDENTITY, target.name());
      replied.fail(new ServiceException(Failure.FORBIDDEN, refusal));
      return;
    }
    HttpServerRequest req = ex.call().request();
    Map<String, String> headers = new LinkedHashMap<>();
    String[] named = HttpForwarder.connectionTokens(req.headers());
    req.headers().forEach(h -> {
      if (HttpForwarder.isEndToEnd(named, h.getKey()) && !HttpForwarder.spoofsPrincipal(h.getKey())) {
        headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b);
      }
    });
    HttpCall call = new HttpCall(req.method().name(), path, req.query(), headers, ex.body());
    String address = Addresses.httpService(target.name(), target.version());
    Supplier<Future<HttpReply>> send = () -> catalog.lookup(target.name(), target.version()).compose(found -> {
      List<ServiceRecord> live = found.stream().filter(r -> !departed.contains(r.node())).toList();
      if (live.isEmpty()) {
        return Future.failedFuture(new ServiceException(Failure.UNAVAILABLE, "no instance of service "
            + target.label() + " is published in the cluster"));
      }
      return sendTo(choose(found, live, tried, policy.zoneMinHealthyPercent()), address, call, envelope);
    });
    Future<HttpReply> sent = attempts.throughBreaker(ex, send, r -> r.status() >= 500);
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        if (ex.route().retry().retriesOn(ar.result().status()) && attempts.mayRetry(ex, n)) {
          attempts.later(ex, n, () -> serviceAttempt(ex, path, n + 1, failovers, tried, replied));
        } else {
          replied.complete(ar.result());
        }
        return;
      }
      Throwable e = ar.cause();
      if (e instanceof InstanceLost lost) {
        if (attempts.mayFailOver(ex, failovers)) {
          serviceAttempt(ex, path, n, failovers + 1, tried, replied);
          return;
        }
        e = lost.failure;
      }
      if (e instanceof OpenCircuitException) {
        replied.fail(new ServiceException(Failure.UNAVAILABLE, "route " + ex.route().id()
            + ": circuit breaker for " + target.label() + " is open"));
      } else if (e instanceof ServiceException se && se.failure() == Failure.UNAVAILABLE && attempts.mayRetry(ex, n)) {
        attempts.later(ex, n, () -> serviceAttempt(ex, path, n + 1, failovers, tried, replied));
      } else {
        replied.fail(e);
      }
    });
  }

  /**
   * Round robin over the live instances on nodes not tried yet (or over all live ones), kept to
   * this node's zone while at least {@code zoneMinPercent} of the zone's published instances are
   * among them — as upstream pools do; below that, every zone's.
   */
  private ServiceRecord choose(List<ServiceRecord> published, List<ServiceRecord> live, Set<String> tried, int zoneMinPercent) {
    List<ServiceRecord> fresh = live.stream().filter(r -> !tried.contains(r.node())).toList();
    List<ServiceRecord> from = fresh.isEmpty() ? live : fresh;
    String zone = state.zone();
    long inZone = published.stream().filter(r -> zone.equals(r.zone())).count();
    List<ServiceRecord> local = from.stream().filter(r -> zone.equals(r.zone())).toList();
    if (!local.isEmpty() && local.size() * 100L >= zoneMinPercent * inZone) {
      from = local;
    }
    ServiceRecord chosen = from.get(Math.floorMod(next++, from.size()));
    tried.add(chosen.node());
    return chosen;
  }

  /**
   * Sends to one instance, tracked as in flight to its node until it completes. A request the
   * transport could not deliver, or whose node left, fails as {@link InstanceLost}. A record that
   * names no node address of its own (published by other means than the service SDK) gets the
   * request on the service's shared {@code address}, where the event bus picks the instance.
   */
  private Future<HttpReply> sendTo(ServiceRecord instance, String address, HttpCall call, Envelope envelope) {
    boolean own = instance.node() != null
        && instance.address().equals(Addresses.httpServiceOn(instance.name(), instance.version(), instance.node()));
    if (!own) {
      return services.<HttpReply>request(address, call, envelope, IDENTITY).map(ServiceCall::withServedBy);
    }
    String node = instance.node();
    Promise<HttpReply> sent = Promise.promise();
    inFlight.computeIfAbsent(node, k -> new HashSet<>()).add(sent);
    services.<HttpReply>request(instance.address(), call, envelope, IDENTITY).map(ServiceCall::withServedBy)
        .onComplete(ar -> {
          if (ar.failed() && ar.cause() instanceof ServiceException se && se.failure() == Failure.UNAVAILABLE) {
            sent.tryFail(new InstanceLost(se)); // not delivered (the node is unreachable) or nobody listens there now
          } else if (ar.failed()) {
            sent.tryFail(ar.cause());
          } else {
            sent.tryComplete(ar.result());
          }
        });
    return sent.future().andThen(ar -> {
      Set<Promise<HttpReply>> sends = inFlight.get(node);
      if (sends != null && sends.remove(sent) && sends.isEmpty()) {
        inFlight.remove(node);
      }
    });
  }

  /** The instance a request went to was lost; {@code failure} is what the client gets if it cannot go elsewhere. */
  static final class InstanceLost extends RuntimeException {
    final ServiceException failure;

    InstanceLost(ServiceException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
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
