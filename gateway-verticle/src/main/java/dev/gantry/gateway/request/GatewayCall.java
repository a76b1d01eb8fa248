package dev.gantry.gateway.request;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeContext;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on a gateway listener, from the edge guard to its answer: its envelope, the route
 * it matched, the policies' exchange, the failure it ended with, and who is told when its
 * response ends. The listener passes it through its steps in a fixed order (drain, envelope,
 * observer, request path) without a router in between: the gateway's own routing is the route
 * table's, and a general-purpose router's context, its handler iteration and its request wrapper
 * cost about a tenth of a bare proxied request. A request that leaves the request path
 * ({@link #next()}) or fails ({@link #fail}) goes to the listener's two answers for those.
 */
public final class GatewayCall {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayCall.class);
  private final HttpServerRequest request;
  private final Handler<GatewayCall> unrouted;
  private final Handler<GatewayCall> failed;
  private Envelope envelope;
  private String routeId;
  private RouteExchange exchange;
  private Throwable failure;
  /** Told once when the response ends (true) or is cut off (false), last added first. */
  private Handler<Boolean>[] ends;
  private int endCount;
  private boolean ended;

  /**
   * @param unrouted answers a request no route took (health, 404, 405)
   * @param failed   answers a request that failed ({@link #failure()})
   */
  public GatewayCall(HttpServerRequest request, Handler<GatewayCall> unrouted, Handler<GatewayCall> failed) {
    this.request = request;
    this.unrouted = unrouted;
    this.failed = failed;
  }

  public HttpServerRequest request() {
    return request;
  }

  public HttpServerResponse response() {
    return request.response();
  }

  /** The request's envelope (null before the envelope step ran). */
  public Envelope envelope() {
    return envelope;
  }

  /**
   * Sets the request's envelope (at the start, and again once a policy authenticated it): what
   * follows, the code far from the handler included ({@link EnvelopeContext}), sees this one.
   */
  public void envelope(Envelope envelope) {
    this.envelope = envelope;
    EnvelopeContext.bind(envelope);
  }

  /** The id of the route serving the request, or null while none does. */
  public String routeId() {
    return routeId;
  }

  public void routeId(String routeId) {
    this.routeId = routeId;
  }

  /** The policies' view of the request (its decisions go to the access log), or null before the request path. */
  public RouteExchange exchange() {
    return exchange;
  }

  public void exchange(RouteExchange exchange) {
    this.exchange = exchange;
  }

  /** What the request failed with, or null. */
  public Throwable failure() {
    return failure;
  }

  /** Hands the request to the answer for requests no route took. */
  public void next() {
    unrouted.handle(this);
  }

  /** Answers the request for {@code cause} (a problem+json, or a reset when its head went out already). */
  public void fail(Throwable cause) {
    this.failure = cause;
    failed.handle(this);
  }

  /**
   * Tells {@code handler} once, when the response ended (true) or the exchange was cut off first
   * — the connection closed, the stream reset (false). The last added is told first.
   */
  @SuppressWarnings("unchecked")
  public void onEnd(Handler<Boolean> handler) {
    if (ends == null) {
      ends = new Handler[4];
      HttpServerResponse response = request.response();
      response.endHandler(v -> end(true)).exceptionHandler(e -> end(false)).closeHandler(v -> end(false));
    } else if (endCount == ends.length) {
      ends = java.util.Arrays.copyOf(ends, endCount * 2);
    }
    ends[endCount++] = handler;
  }

  /**
   * The request switched protocols (a WebSocket tunnel is up): its HTTP exchange is over, so
   * whoever waits for the response's end is told now — the access log and the meters record the
   * 101 — rather than never, since the connection is no longer HTTP's.
   */
  public void upgraded() {
    end(true);
  }

  private void end(boolean completed) {
    if (ended) {
      return;
    }
    ended = true;
    for (int i = endCount - 1; i >= 0; i--) {
      try {
        ends[i].handle(completed);
      } catch (RuntimeException e) {
        LOG.error("request {}: an end-of-response step failed", envelope == null ? "-" : envelope.requestId(), e);
      }
    }
  }
}
