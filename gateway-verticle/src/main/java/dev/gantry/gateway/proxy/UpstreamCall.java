package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.edge.Framing;
import dev.gantry.gateway.edge.Peer;
import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Attempts at an HTTP upstream pool: choose an endpoint not yet tried, send through the breaker,
 * count the outcome for outlier ejection, and retry connect failures and listed statuses while
 * {@link Attempts} allows.
 */
final class UpstreamCall {
  private final ProxyState state;
  private final HttpForwarder forwarder;
  private final Attempts attempts;

  UpstreamCall(ProxyState state, HttpForwarder forwarder, Attempts attempts) {
    this.state = state;
    this.forwarder = forwarder;
    this.attempts = attempts;
  }

  /** An upstream response whose body is still to be relayed, and the endpoint holding it. */
  record Answer(HttpClientResponse response, Endpoint endpoint) {}

  Future<Answer> start(Exchange ex) {
    Promise<Answer> answered = Promise.promise();
    attempt(ex, 0, new ArrayList<>(2), answered); // a few endpoints at most: a list beats a set
    return answered.future();
  }

  void attempt(Exchange ex, int n, List<Endpoint> tried, Promise<Answer> answered) {
    attempt(ex, n, tried, answered, false);
  }

  /** @param resent whether this is the one immediate resend after a connection that broke before answering */
  private void attempt(Exchange ex, int n, List<Endpoint> tried, Promise<Answer> answered, boolean resent) {
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
    Endpoint endpoint = pool.choose(hashKey(pool, ex.call().request()), tried);
    if (endpoint == null) {
      answered.fail(new ServiceException(Failure.UNAVAILABLE,
          "no target of upstream " + ex.target().name() + " is left to try"));
      return;
    }
    tried.add(endpoint);
    endpoint.begin();
    Supplier<Future<HttpClientResponse>> call = () -> forwarder.send(ex.call().request(),
        ex.call().envelope(), endpoint, ex.uri(), ex.body(), remaining, ex.route().requestHeaders(),
        ex.maxBody());
    Future<HttpClientResponse> sent = attempts.throughBreaker(ex, call, r -> r.statusCode() >= 500);
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        HttpClientResponse response = ar.result();
        int status = response.statusCode();
        if (status >= 500) {
          pool.failed(endpoint);
        } else {
          pool.succeeded(endpoint);
        }
        if (ex.route().retry().retriesOn(status)
            && (ex.body() != null || !Framing.hasBody(ex.call().request())) && attempts.mayRetry(ex, n)) {
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
      if (!timeout && !connect && !resent && idempotent(ex.call().request())
          && (ex.body() != null || !Framing.hasBody(ex.call().request()))) {
        // A kept-alive connection the upstream closed as it was reused (Node and Apache close idle
        // ones after 5 s), or one left unreadable by the previous answer (more bytes than its
        // Content-Length said): no answer came, so an idempotent request goes once more, at once,
        // on another connection, as nginx and Go's client do. Not the endpoint's failure, nor a
        // retry the route's budget pays for.
        tried.remove(endpoint);
        attempt(ex, n, tried, answered, true);
        return;
      }
      if (!timeout) {
        pool.failed(endpoint);
      }
      // A connect failure sent nothing, so even a streamed body is still unread and can go again.
      boolean replayable = connect || ex.body() != null || !Framing.hasBody(ex.call().request());
      if (!timeout && replayable && attempts.mayRetry(ex, n)) {
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

  void retryLater(Exchange ex, int n, List<Endpoint> tried, Promise<Answer> answered) {
    UpstreamPool pool = state.pool(ex.target().name());
    if (pool != null && tried.size() >= pool.endpoints().size()) {
      tried.clear();
    }
    attempts.later(ex, n, () -> attempt(ex, n + 1, tried, answered));
  }

  static String hashKey(UpstreamPool pool, HttpServerRequest req) {
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
    return Peer.hostAddress(req);
  }

  /** RFC 9110 §9.2.2: a request that may be sent twice with the effect of once. */
  static boolean idempotent(HttpServerRequest request) {
    io.vertx.core.http.HttpMethod m = request.method();
    return m == io.vertx.core.http.HttpMethod.GET || m == io.vertx.core.http.HttpMethod.HEAD
        || m == io.vertx.core.http.HttpMethod.OPTIONS || m == io.vertx.core.http.HttpMethod.PUT
        || m == io.vertx.core.http.HttpMethod.DELETE;
  }

  static boolean isConnectFailure(Throwable e) {
    return e instanceof ConnectException || e.getClass().getSimpleName().contains("ConnectTimeout")
        || (e.getCause() instanceof ConnectException);
  }
}
