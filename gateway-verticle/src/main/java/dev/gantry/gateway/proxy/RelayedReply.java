package dev.gantry.gateway.proxy;

import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.spec.HeaderOps;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * An upstream's answer, streamed to the client when written: its end-to-end headers, the route's
 * response-header changes, then whatever policies set in {@link #headers()}. The endpoint is
 * released once the body has been relayed (or the relay failed).
 */
final class RelayedReply implements Reply {
  private final UpstreamCall.Answer answer;
  private final HttpForwarder forwarder;
  private final HeaderOps ops;
  private final int teeLimit;
  /** The relayed body's first bytes, for a shadow comparison; null when none is wanted. */
  private final Promise<Buffer> relayed;
  private MultiMap extra;
  /** What {@link #whole} read of a body of unknown length before it proved too long: written first. */
  private Buffer prefix;

  RelayedReply(UpstreamCall.Answer answer, HttpForwarder forwarder, HeaderOps ops, int teeLimit) {
    this.answer = answer;
    this.forwarder = forwarder;
    this.ops = ops;
    this.teeLimit = teeLimit;
    this.relayed = teeLimit > 0 ? Promise.promise() : null;
  }

  /** Headers only policies add: none unless one asked for the map. */
  @Override
  public boolean closesConnection() {
    return extra != null && Reply.super.closesConnection();
  }

  @Override
  public int status() {
    return answer.response().statusCode();
  }

  /** Headers policies set over the upstream's; made only when one asks. */
  @Override
  public MultiMap headers() {
    if (extra == null) {
      extra = MultiMap.caseInsensitiveMultiMap();
    }
    return extra;
  }

  /** Up to the tee limit of the relayed body (for shadow comparison), once it has been relayed. */
  Future<Buffer> relayed() {
    return relayed.future();
  }

  @Override
  public Future<?> writeTo(HttpServerResponse response, RouteExchange exchange) {
    return forwarder.relay(response, answer.response(), ops, extra, teeLimit, prefix).onComplete(ar -> {
      answer.endpoint().end();
      if (relayed != null) {
        relayed.handle(ar);
      }
    });
  }

  /**
   * Reads the upstream's body whole when it is at most {@code max} bytes, with the headers
   * {@link #writeTo} would send; null when it is longer. A declared {@code Content-Length} decides
   * at once; a body of unknown length (chunked) stays streamed (null), unless {@link #wholeUpTo}
   * asks: it is then read up to {@code max}, and when it goes on past it what was read is kept
   * and written first by {@link #writeTo}, which streams the rest.
   * A 204, a 304 and the answer to a HEAD have no body whatever their headers say. The endpoint
   * is released once the body is read.
   */
  @Override
  public Future<Buffered> whole(long max) {
    return read(max, false);
  }

  @Override
  public Future<Buffered> wholeUpTo(long max) {
    return read(max, true);
  }

  private Future<Buffered> read(long max, boolean unknownLength) {
    io.vertx.core.http.HttpClientResponse upstream = answer.response();
    String length = upstream.getHeader(io.vertx.core.http.HttpHeaders.CONTENT_LENGTH);
    long declared;
    try {
      declared = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      declared = -1;
    }
    int code = upstream.statusCode();
    if (code == 204 || code == 304 || upstream.request().getMethod() == io.vertx.core.http.HttpMethod.HEAD) {
      declared = 0; // no body by definition (RFC 9112 §6.3), whatever a Content-Length says: a 304's headers are wanted
    }
    if (declared > max || declared < 0 && (!unknownLength || max <= 0)) {
      return Future.succeededFuture(null);
    }
    MultiMap headers = sent();
    int status = upstream.statusCode();
    Future<Buffer> body = declared >= 0 ? upstream.body() : upTo(upstream, max);
    upstream.resume(); // the call left it paused for whoever relays it
    return body.map(b -> b == null ? null : new Buffered(status, headers, b)).andThen(ar -> {
      if (ar.succeeded() && ar.result() == null) {
        return; // longer than max: writeTo relays the rest, and releases the endpoint then
      }
      answer.endpoint().end();
      if (relayed != null) {
        relayed.handle(ar.map(b -> b.body()));
      }
    });
  }

  /**
   * A body of unknown length, whole if it ends within {@code max} bytes; else null, with what was
   * read kept in {@link #prefix} and the response paused for {@link #writeTo}.
   */
  private Future<Buffer> upTo(io.vertx.core.http.HttpClientResponse upstream, long max) {
    Promise<Buffer> read = Promise.promise();
    Buffer held = Buffer.buffer();
    upstream.handler(chunk -> {
      if (held.length() + chunk.length() > max) {
        upstream.pause();
        upstream.handler(null).endHandler(null).exceptionHandler(null);
        prefix = held.appendBuffer(chunk);
        read.tryComplete(null);
        return;
      }
      held.appendBuffer(chunk);
    });
    upstream.exceptionHandler(read::tryFail);
    upstream.endHandler(v -> read.tryComplete(held));
    return read.future();
  }

  @Override
  public String header(String name) {
    String set = extra == null ? null : Reply.joined(extra, name);
    return set != null ? set : Reply.joined(sent(), name);
  }

  /** The headers {@link #writeTo} sends: the upstream's end-to-end ones, the route's changes, then the policies'. */
  private MultiMap sent() {
    io.vertx.core.http.HttpClientResponse upstream = answer.response();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    String[] named = HttpForwarder.connectionTokens(upstream.headers());
    for (java.util.Map.Entry<String, String> h : upstream.headers()) {
      if (HttpForwarder.isEndToEnd(named, h.getKey())) {
        headers.add(h.getKey(), h.getValue());
      }
    }
    HttpForwarder.apply(ops, headers);
    if (extra != null) {
      Reply.set(extra, headers);
    }
    return headers;
  }

  /** Releases the upstream response unread (the reply is not written: a policy answered instead). */
  void discard() {
    answer.response().request().reset();
    answer.endpoint().end();
    if (relayed != null) {
      relayed.tryFail("not relayed");
    }
  }
}
