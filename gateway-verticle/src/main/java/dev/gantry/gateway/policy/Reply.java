package dev.gantry.gateway.policy;

import dev.gantry.codecs.Failure;
import dev.gantry.gateway.problem.ProblemResponder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * What answers a request: an upstream's streamed response, a service's reply, or a policy's own
 * answer. Every kind is written by its {@link #writeTo}, the one place a reply meets the client.
 * {@link #headers()} are the headers this reply sets; a policy wrapping the reply may add to them
 * (for a relayed upstream response they go on top of the upstream's own).
 */
public interface Reply {
  int status();

  MultiMap headers();

  /** Writes status, headers and body to the client; the future ends with the writing. */
  Future<?> writeTo(HttpServerResponse response, RouteExchange exchange);

  /**
   * This reply with its whole body in memory, for a policy that keeps it (the cache): status and
   * headers as the client would get them. Null when that cannot be had without streaming — the
   * body's length is not known beforehand or is over {@code max} — and the reply then stays as it
   * was, unread. A reply that is a policy's own answer (a problem) gives null too.
   */
  default Future<Buffered> whole(long max) {
    return Future.succeededFuture(null);
  }

  /**
   * As {@link #whole}, but a body of unknown length (chunked) is read too, up to {@code max}:
   * null when it goes on past that, and the reply is then still written whole by
   * {@link #writeTo} (what was read first). For a policy that wants every body it may keep and
   * has checked, from the headers, that it will keep this one: reading holds the answer back.
   */
  default Future<Buffered> wholeUpTo(long max) {
    return whole(max);
  }

  /**
   * The value of header {@code name} as the client would get it, or null: for a relayed answer,
   * what policies set over the upstream's own. Read without touching the body, so a policy can
   * decide (by type, length, encoding) before reading it {@link #whole}. Several lines of a field
   * come joined by {@code ", "}, as RFC 9110 §5.3 lets a list be combined (not for Set-Cookie).
   */
  default String header(String name) {
    return joined(headers(), name);
  }

  /** The values of {@code name} in {@code headers}, joined by {@code ", "}; null when there are none. */
  static String joined(MultiMap headers, String name) {
    java.util.List<String> all = headers.getAll(name);
    return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(", ", all);
  }

  /** Whether the reply asks for the client's connection to close after it ({@code Connection: close}). */
  default boolean closesConnection() {
    return "close".equalsIgnoreCase(headers().get("Connection"));
  }

  /** Sets every field of {@code from} on {@code to}, replacing values of the same name, keeping the rest. */
  static void set(MultiMap from, MultiMap to) {
    if (from.isEmpty() || from == to) {
      return;
    }
    // two passes over the fields, no copies: names() would collect them into a sorted set first
    from.forEach((name, value) -> to.remove(name));
    from.forEach(to::add);
  }

  /** A problem+json answer; add {@code Retry-After} or {@code WWW-Authenticate} through {@link #headers()}. */
  static Reply problem(Failure failure, String detail) {
    return new Problem(failure, detail, MultiMap.caseInsensitiveMultiMap());
  }

  /** A buffered answer. */
  static Reply of(int status, MultiMap headers, Buffer body) {
    return new Buffered(status, headers, body);
  }

  record Problem(Failure failure, String detail, MultiMap headers) implements Reply {
    @Override
    public int status() {
      return failure.httpStatus();
    }

    @Override
    public Future<?> writeTo(HttpServerResponse response, RouteExchange exchange) {
      Reply.set(headers, response.headers());
      return ProblemResponder.write(exchange.request(), failure, detail, exchange.request().path(),
          exchange.envelope() == null ? null : exchange.envelope().requestId());
    }
  }

  record Buffered(int status, MultiMap headers, Buffer body) implements Reply {
    @Override
    public Future<Buffered> whole(long max) {
      return Future.succeededFuture(body == null || body.length() <= max ? this : null);
    }

    @Override
    public Future<?> writeTo(HttpServerResponse response, RouteExchange exchange) {
      Reply.set(headers, response.setStatusCode(status).headers());
      return response.end(body == null ? Buffer.buffer() : body);
    }
  }
}
