package dev.gantry.gateway.policy;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.Principal;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request on the path, as policies see it: the request (its path already normalised by the
 * edge), the route it matched, its envelope, its body once someone read it whole, and the
 * decisions policies note for the access log (a WAF rule id, a limit that was hit).
 */
public final class RouteExchange {
  private final HttpServerRequest request;
  private String routeId;
  private Envelope envelope;
  private final java.util.function.Consumer<Envelope> onAuthenticated;
  private Map<String, String> decisions;
  private Future<Buffer> body;
  private final BodyBudget budget;
  /** Bytes of this request's body taken from {@link #budget}; given back by {@link #release()}. */
  private long taken;

  public RouteExchange(HttpServerRequest request, String routeId, Envelope envelope) {
    this(request, routeId, envelope, e -> { }, null);
  }

  /**
   * @param onAuthenticated told the envelope once a policy authenticated the request (the access log, targets)
   * @param budget          the node's budget for bodies held whole, or null for none; whoever
   *                        makes the exchange calls {@link #release()} when the exchange ends
   */
  public RouteExchange(HttpServerRequest request, String routeId, Envelope envelope,
      java.util.function.Consumer<Envelope> onAuthenticated, BodyBudget budget) {
    this.request = request;
    this.routeId = routeId;
    this.envelope = envelope;
    this.onAuthenticated = onAuthenticated;
    this.budget = budget;
  }

  /** Gives back what this exchange's body took of the node's budget; called once the exchange ended. */
  public void release() {
    if (taken > 0) {
      budget.give(taken);
      taken = 0;
    }
  }

  /**
   * Notes who the request was authenticated as: the envelope (to services, upstream headers and
   * the access log) names them from here on.
   */
  public void authenticate(Principal who) {
    envelope = envelope.authenticated(who);
    onAuthenticated.accept(envelope);
  }

  /** Who the request was authenticated as, or null while it is anonymous. */
  public Principal principal() {
    return envelope == null ? null : envelope.claims();
  }

  /** Notes the route the request matched (gateway-wide policies ran before there was one). */
  public void matched(String routeId) {
    this.routeId = routeId;
  }

  public HttpServerRequest request() {
    return request;
  }

  /**
   * The request's body, read whole the first time it is asked for; every later caller (another
   * policy, the target) gets the same buffer. A body longer than {@code max} fails the future with
   * 413, naming {@code limitOf} (whose limit it broke) — at once when its Content-Length says so;
   * one that would take the node past its {@link BodyBudget} fails it with 503.
   *
   * <p>The budget is taken as bytes arrive, never for a length only declared (a client that
   * declares 10 MB and sends nothing must not hold 10 MB of everyone's budget). The chunks are kept
   * as they came and joined once, into a buffer of the exact size, when the body is complete: a
   * buffer grown by appending holds up to twice what it was sent, and that slack, uncounted, is
   * what ran a 512 MiB heap out of memory under a burst of 1 MB bodies whose bytes fitted the budget.
   */
  public Future<Buffer> body(long max, String limitOf) {
    if (body == null) {
      body = read(max, limitOf);
    }
    return body;
  }

  private Future<Buffer> read(long max, String limitOf) {
    ServiceException tooLarge = new ServiceException(Failure.PAYLOAD_TOO_LARGE,
        "body: larger than the " + max + " bytes " + limitOf + " accepts");
    if (declaredLength(request) > max) {
      return Future.failedFuture(tooLarge); // left unread: the connection closes after the answer
    }
    Promise<Buffer> promise = Promise.promise();
    java.util.List<Buffer> chunks = new java.util.ArrayList<>();
    long[] length = {0};
    request.handler(chunk -> {
      if (length[0] + chunk.length() > max) {
        request.handler(null);
        chunks.clear();
        promise.tryFail(tooLarge);
        return;
      }
      if (budget != null) {
        if (!budget.take(chunk.length())) {
          request.handler(null);
          chunks.clear();
          release(); // what this body held goes back at once: it will not be read on
          promise.tryFail(overBudget());
          return;
        }
        taken += chunk.length();
      }
      length[0] += chunk.length();
      chunks.add(chunk);
    });
    request.exceptionHandler(e -> {
      chunks.clear();
      promise.tryFail(e);
    });
    request.endHandler(v -> {
      Buffer whole = chunks.size() == 1 ? chunks.get(0) : Buffer.buffer((int) length[0]);
      if (chunks.size() != 1) {
        for (Buffer chunk : chunks) {
          whole.appendBuffer(chunk);
        }
      }
      chunks.clear();
      promise.tryComplete(whole);
    });
    request.resume();
    return promise.future();
  }

  private ServiceException overBudget() {
    return new ServiceException(Failure.UNAVAILABLE, "body: this node holds " + budget.max()
        + " bytes of request bodies already; try again shortly");
  }

  /** The Content-Length (checked by the edge before), or -1 when none was sent. */
  private static long declaredLength(HttpServerRequest request) {
    return dev.gantry.gateway.edge.Framing.contentLength(
        request.getHeader(io.vertx.core.http.HttpHeaders.CONTENT_LENGTH));
  }

  /** The body if someone has read it whole, else null (it has not been read, or is streaming). */
  public Buffer heldBody() {
    return body != null && body.succeeded() ? body.result() : null;
  }

  /** The matched route's id, or null when no route matched. */
  public String routeId() {
    return routeId;
  }

  public Envelope envelope() {
    return envelope;
  }

  /** Notes a policy's decision, such as {@code limit=max-headers}, for the access log. */
  public void decide(String key, String value) {
    if (decisions == null) {
      decisions = new LinkedHashMap<>(4);
    }
    decisions.put(key, value);
  }

  public Map<String, String> decisions() {
    return decisions == null ? Map.of() : decisions;
  }
}
