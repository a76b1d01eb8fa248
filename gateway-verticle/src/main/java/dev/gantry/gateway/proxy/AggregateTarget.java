package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.route.RouteMatch;
import dev.gantry.gateway.spec.AggregateSpec;
import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * A route whose target is {@code aggregate:}: its parts are called at once — event-bus services
 * and upstream pools, with path and query values from the request — each within its own timeout,
 * and their answers merged into one JSON object, a member per part. A part that fails or is late
 * is reported ({@code "partial": true} and {@code "failed": {part: {status, detail}}}) while the
 * others are served; a required part's failure fails the whole (its 4xx passed on, else 502 or 504).
 */
final class AggregateTarget {
  /** Most bytes one part's answer may have. */
  static final int MAX_PART_BYTES = 1 << 20;
  private static final Set<String> FORWARDED = Set.of("accept", "accept-language", "authorization", "cookie");

  private final Vertx vertx;
  private final ProxyState state;
  private final HttpForwarder forwarder;
  private final ServiceClient services;

  AggregateTarget(Vertx vertx, ProxyState state, HttpForwarder forwarder, ServiceCatalog catalog) {
    this.vertx = vertx;
    this.state = state;
    this.forwarder = forwarder;
    this.services = new ServiceClient(vertx);
  }

  Future<Reply> serve(RouteExchange exchange, RouteMatch match, AggregateSpec spec, long deadline) {
    HttpServerRequest req = exchange.request();
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      Reply refused = Reply.problem(Failure.METHOD_NOT_ALLOWED, "an aggregate route is read with GET");
      refused.headers().set(HttpHeaders.ALLOW, "GET, HEAD");
      return Future.succeededFuture(refused);
    }
    List<String> targets = new ArrayList<>();
    try {
      for (AggregateSpec.Part part : spec.parts()) {
        targets.add(fill(part.path(), match.params(), req.params()));
      }
    } catch (ServiceException e) {
      return Future.succeededFuture(Reply.problem(e.failure(), e.getMessage()));
    }
    List<Future<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < spec.parts().size(); i++) {
      AggregateSpec.Part part = spec.parts().get(i);
      String target = targets.get(i);
      long until = part.timeoutMillis() > 0 ? Math.min(deadline, System.currentTimeMillis() + part.timeoutMillis()) : deadline;
      answers.add(within(call(exchange, match, part, target, until), part, until));
    }
    return Future.join(answers).transform(ar -> {
      JsonObject merged = new JsonObject();
      JsonObject failed = new JsonObject();
      for (int i = 0; i < spec.parts().size(); i++) {
        AggregateSpec.Part part = spec.parts().get(i);
        Answer answer = answers.get(i).result();
        if (answer.ok()) {
          merged.put(part.name(), answer.value());
          continue;
        }
        if (part.required()) {
          Failure failure = answer.status() >= 400 && answer.status() < 500 ? Failure.ofCode(answer.status())
              : answer.status() == 504 ? Failure.TIMEOUT : answer.status() == 503 ? Failure.UNAVAILABLE : Failure.BAD_GATEWAY;
          return Future.succeededFuture(Reply.problem(failure, "required part " + part.name() + ": " + answer.detail()));
        }
        merged.putNull(part.name());
        failed.put(part.name(), new JsonObject().put("status", answer.status()).put("detail", answer.detail()));
      }
      merged.put("partial", !failed.isEmpty());
      if (!failed.isEmpty()) {
        merged.put("failed", failed);
        exchange.decide("aggregate_failed", String.join(",", failed.fieldNames()));
      }
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "application/json")
          .add(HttpHeaders.CACHE_CONTROL, "no-store");
      HttpForwarder.apply(match.route().spec().responseHeaders(), headers);
      return Future.succeededFuture(Reply.of(200, headers, merged.toBuffer()));
    });
  }

  /** One part's outcome: its JSON (or text) value, or the status and reason it failed. */
  record Answer(boolean ok, Object value, int status, String detail) {
    static Answer failed(int status, String detail) {
      return new Answer(false, null, status, detail);
    }
  }

  private Future<Answer> call(RouteExchange exchange, RouteMatch match, AggregateSpec.Part part, String target, long until) {
    Envelope envelope = exchange.envelope().withDeadline(until);
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : null;
    if (part.service() != null) {
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.request().headers().forEach(h -> {
        if (FORWARDED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
          headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b);
        }
      });
      HttpCall call = new HttpCall("GET", path, query, headers, null);
      return services.<HttpReply>request(Addresses.httpService(part.service(), null), call, envelope)
          .map(m -> answer(m.body().status(), m.body().body()))
          .recover(e -> Future.succeededFuture(failure(e)));
    }
    UpstreamPool pool = state.pool(part.upstream());
    Endpoint endpoint = pool == null ? null : pool.choose(null, Set.of());
    if (endpoint == null) {
      return Future.succeededFuture(Answer.failed(503, "upstream " + part.upstream() + " has no available target"));
    }
    endpoint.begin();
    long timeout = Math.max(1, until - System.currentTimeMillis());
    return forwarder.send(exchange.request(), envelope, endpoint, target, Buffer.buffer(), timeout,
        match.route().spec().requestHeaders(), 0)
        .compose(response -> bounded(response, until).map(body -> answer(response.statusCode(), body)))
        .andThen(ar -> {
          endpoint.end();
          if (ar.failed()) {
            pool.failed(endpoint);
          } else {
            pool.succeeded(endpoint);
          }
        })
        .recover(e -> Future.succeededFuture(Answer.failed(e instanceof ServiceException se ? se.failure().httpStatus() : 502,
            "upstream " + part.upstream() + ": " + e.getMessage())));
  }

  private static Answer answer(int status, Buffer body) {
    if (status < 200 || status > 299) {
      String detail = "answered " + status;
      try {
        if (body != null && body.length() > 0 && Json.decodeValue(body) instanceof JsonObject problem
            && problem.getValue("detail") instanceof String d) {
          detail = d;
        }
      } catch (DecodeException e) {
        // not a problem document: the status says enough
      }
      return Answer.failed(status, detail);
    }
    if (body == null || body.length() == 0) {
      return new Answer(true, null, status, null);
    }
    try {
      return new Answer(true, Json.decodeValue(body), status, null);
    } catch (DecodeException e) {
      return new Answer(true, body.toString(StandardCharsets.UTF_8), status, null);
    }
  }

  private static Answer failure(Throwable e) {
    if (e instanceof ServiceException se) {
      return Answer.failed(se.failure().httpStatus(), se.getMessage());
    }
    return Answer.failed(502, "failed: " + e.getMessage());
  }

  /** The part's answer, or 504 once its time is up (whatever answers later is dropped). */
  private Future<Answer> within(Future<Answer> answer, AggregateSpec.Part part, long until) {
    Promise<Answer> bounded = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, until - System.currentTimeMillis()),
        id -> bounded.tryComplete(Answer.failed(504, "no answer within " + (part.timeoutMillis() > 0
            ? part.timeoutMillis() + " ms" : "the route's deadline"))));
    answer.onComplete(ar -> {
      vertx.cancelTimer(timer);
      bounded.tryComplete(ar.succeeded() ? ar.result() : failure(ar.cause()));
    });
    return bounded.future();
  }

  /**
   * The upstream's body, at most {@value #MAX_PART_BYTES} bytes, whole by {@code until}: else the
   * request is reset, so an upstream that trickles its body forever does not hold the connection.
   */
  private Future<Buffer> bounded(HttpClientResponse response, long until) {
    Promise<Buffer> done = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, until - System.currentTimeMillis()), id -> {
      if (done.tryFail(new ServiceException(Failure.TIMEOUT, "the answer did not end in time"))) {
        response.handler(null);
        response.request().reset();
      }
    });
    done.future().onComplete(ar -> vertx.cancelTimer(timer));
    Buffer held = Buffer.buffer();
    response.handler(chunk -> {
      if (held.length() + chunk.length() > MAX_PART_BYTES) {
        response.handler(null);
        done.tryFail(new ServiceException(Failure.BAD_GATEWAY, "answer larger than " + MAX_PART_BYTES + " bytes"));
        response.request().reset(); // after failing: the reset's own exception must not be the reason given
        return;
      }
      held.appendBuffer(chunk);
    });
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> done.tryComplete(held));
    response.resume();
    return done.future();
  }

  /**
   * The part's path with {@code {name}} and {@code {query.name}} replaced by the request's values,
   * encoded. A value that would be a whole path segment of its own making — empty, {@code .} or
   * {@code ..} — is refused (400): encoding leaves dots alone, and upstreams resolve dot segments.
   */
  static String fill(String template, Map<String, String> params, MultiMap query) {
    Matcher m = AggregateSpec.PLACEHOLDER.matcher(template);
    int queryStarts = template.indexOf('?') < 0 ? template.length() : template.indexOf('?');
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = m.group(1) == null ? params.get(m.group(2)) : query.get(m.group(2));
      if (m.start() < queryStarts && (value == null || value.isEmpty() || value.equals(".") || value.equals(".."))) {
        throw new ServiceException(Failure.BAD_REQUEST, (m.group(1) == null ? "path parameter " : "query parameter ")
            + m.group(2) + ": a path segment may not be empty, . or ..");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(encode(value == null ? "" : value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
