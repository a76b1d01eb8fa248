package dev.gantry.gateway.edge;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.observe.RequestObserver;
import dev.gantry.gateway.problem.ProblemResponder;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of every request on a listener, before any routing: the protocol rules the
 * codecs leave open, decided once, so everything after it sees only requests that mean one thing.
 * <ul>
 *   <li>HTTP/1.x framing: {@code Transfer-Encoding} other than exactly {@code chunked}, in
 *       HTTP/1.0, or beside {@code Content-Length} (marked by {@link StrictRequestDecoder}, which
 *       also refuses chunk sizes that would wrap) → 400 and the connection closed;</li>
 *   <li>field names that are not tokens and values with control characters → 400;</li>
 *   <li>Host missing (HTTP/1.1), repeated, invalid, or differing from an absolute-form target's
 *       authority → 400;</li>
 *   <li>the request target normalised by {@link RequestTarget}; what it refuses → 400; the
 *       request goes on carrying the normalised path;</li>
 *   <li>malformed HTTP/2 requests (RFC 9113 §8.2, §8.3.1) → RST_STREAM PROTOCOL_ERROR, leaving
 *       the connection's other streams alone; a header block spread over more CONTINUATION frames
 *       than {@link #maxContinuations} → GOAWAY ENHANCE_YOUR_CALM ({@link Http2ContinuationLimit});</li>
 *   <li>time: a connection gets {@link EdgeOptions#headerTimeoutMillis()} to send each request's
 *       headers (from its opening, or from the next request's first byte on a connection already
 *       answered, which may idle {@link EdgeOptions#keepAliveTimeoutMillis()} before it) and a
 *       body must keep the minimum rate, else 408 and close.</li>
 * </ul>
 * One instance per listener (event loop): its connection and body tables are touched only there.
 */
public final class EdgeGuard {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeGuard.class);
  /** HTTP/2 error code PROTOCOL_ERROR (RFC 9113 §7). */
  static final long PROTOCOL_ERROR = 0x1;
  public static final String EDGE_ROUTE = "edge";

  private final Vertx vertx;
  private final EdgeOptions options;
  private final HttpServerOptions serverOptions;
  private final RequestObserver observer;
  private final Handler<HttpServerRequest> next;
  private final ClientConnections clients;
  private final Map<HttpConnection, ConnectionWatch> connections = new HashMap<>();
  private final List<BodyWatch> bodies = new ArrayList<>();
  private long sweeper = -1;
  /**
   * The server's idle limit, which the connection watch keeps on HTTP/1.x connections in place of
   * Netty's idle handler; 0 when there is none, or when it is read- or write-only (then Netty's
   * handler stays).
   */
  private final long idleMillis;

  /** A request whose body is still arriving, and since when. */
  private record BodyWatch(HttpServerRequest request, long since) {}

  public EdgeGuard(Vertx vertx, EdgeOptions options, HttpServerOptions serverOptions, RequestObserver observer,
      ClientConnections clients, Handler<HttpServerRequest> next) {
    this.vertx = vertx;
    this.clients = clients;
    this.options = options;
    this.serverOptions = serverOptions;
    this.observer = observer;
    this.next = next;
    this.idleMillis = serverOptions.getReadIdleTimeout() > 0 || serverOptions.getWriteIdleTimeout() > 0 ? 0
        : serverOptions.getIdleTimeoutUnit().toMillis(serverOptions.getIdleTimeout());
  }

  /** Starts the sweep that enforces the time limits; call on the listener's event loop. */
  public void start() {
    sweeper = vertx.setPeriodic(options.sweepMillis(), id -> sweep());
  }

  public void stop() {
    vertx.cancelTimer(sweeper);
  }

  /** A new connection: HTTP/1.x ones get the strict decoder and the header clock. */
  public void connection(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    String peer = Peer.hostAddress(connection.remoteAddress());
    if (peer != null) {
      boolean within = clients.opened(peer);
      base.channel().closeFuture().addListener(f -> clients.closed(peer));
      if (!within) {
        LOG.debug("closed a connection over the per-address cap from {}", peer);
        base.channel().close(); // before it can send a byte: idle sockets cannot pile up
        return;
      }
    }
    if (pipeline.get("httpDecoder") == null) {
      // HTTP/2: framing is the HTTP/2 codec's; streams are checked one by one below, and a
      // :method Vert.x cannot read is reset here, before it could end the whole connection.
      Http2ConnectionHandler h2 = pipeline.get(Http2ConnectionHandler.class);
      if (h2 != null) {
        Http2MethodCheck.install(h2);
        Http2ContinuationLimit.install(h2, maxContinuations(options.http2()));
      }
      return;
    }
    // With h2c on, Vert.x calls this only once the first request is decoded: swapping the decoder
    // then would lose its state, so such a connection is held to one request instead. Over TLS
    // the protocol is chosen by ALPN before this is called, so the strict decoder always fits.
    boolean strict = serverOptions.isSsl() || !serverOptions.isHttp2ClearTextEnabled();
    if (strict) {
      pipeline.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(serverOptions));
    }
    ConnectionWatch watch = new ConnectionWatch(System.currentTimeMillis(), strict);
    // After TLS, when there is TLS: it must see the request's bytes, not the handshake's, and the
    // 408 it may write must be encrypted like any other answer.
    io.netty.channel.ChannelHandlerContext tls = pipeline.context(io.netty.handler.ssl.SslHandler.class);
    if (tls != null) {
      pipeline.addAfter(tls.name(), "gantry-bytes-seen", watch.bytesSeen());
    } else {
      pipeline.addFirst("gantry-bytes-seen", watch.bytesSeen());
    }
    pipeline.addAfter("httpEncoder", "gantry-exchanges", watch.exchanges());
    if (idleMillis > 0 && pipeline.get("idle") instanceof IdleStateHandler) {
      pipeline.remove("idle"); // the watch keeps the idle limit (see ConnectionWatch)
    }
    connections.put(connection, watch);
    base.channel().closeFuture().addListener(f -> connections.remove(connection));
  }

  /**
   * CONTINUATION frames one header block may take: a header list at the limit fits in far fewer
   * (16 KiB frames by default; a client writing 256-byte fragments still fits), so more is a flood.
   */
  static int maxContinuations(Http2Limits limits) {
    return Math.max(16, limits.maxHeaderListBytes() / 256);
  }

  /** A request Netty could not decode (line or headers too long, bad framing, bad syntax). */
  public void invalid(HttpServerRequest request) {
    if (closing(request)) {
      return;
    }
    hsts(request);
    Throwable cause = request.decoderResult().cause();
    Rejection rejection;
    if (cause instanceof ServiceException e) {
      rejection = Rejection.of(e);
    } else if (cause instanceof TooLongHttpLineException) {
      rejection = new Rejection(Failure.URI_TOO_LONG, "request line: longer than "
          + serverOptions.getMaxInitialLineLength() + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      rejection = new Rejection(Failure.HEADERS_TOO_LARGE, "headers: larger than "
          + serverOptions.getMaxHeaderSize() + " bytes");
    } else {
      rejection = Rejection.badRequest("malformed request: " + (cause == null ? "unreadable" : cause.getMessage()));
    }
    refuse(request, rejection, System.nanoTime());
  }

  /**
   * HSTS on every HTTPS response, set before anything else answers so refusals carry it too; an
   * upstream's own comes after it, and a browser heeds only the first (RFC 6797 §8.1).
   */
  private void hsts(HttpServerRequest request) {
    if (options.hsts() != null && request.isSSL()) {
      request.response().putHeader("Strict-Transport-Security", options.hsts());
    }
  }

  /** Checks a decoded request; hands it on (with its normalised target) or refuses it. */
  public void handle(HttpServerRequest request) {
    hsts(request);
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    ConnectionWatch watch = http2 ? null : connections.get(request.connection());
    if (watch != null && watch.isClosing()) {
      request.connection().close(); // pipelined behind a refused request: never served
      return;
    }
    Rejection rejection = checkMethod(request);
    if (rejection == null) {
      rejection = http2 ? checkHttp2(request) : checkHttp1(request);
    }
    RequestTarget target = null;
    if (rejection == null) {
      try {
        target = RequestTarget.parse(request.uri());
        rejection = checkAuthority(request, target);
      } catch (ServiceException e) {
        rejection = Rejection.of(e); // control characters in an HTTP/2 :path were reset above
      }
    }
    if (rejection != null) {
      refuse(request, rejection, System.nanoTime()); // the checks' own time is not worth a clock read per request
      return;
    }
    if (watch != null && !watch.strict()) {
      if (watch.nextRequest() > 1) {
        request.connection().close(); // a second request on a connection the strict decoder did not read
        return;
      }
      if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
        // Without the strict decoder a Content-Length beside it would be dropped unseen and a
        // wrapping chunk size believed: only bodies of a declared length are taken here.
        refuse(request, new Rejection(Failure.LENGTH_REQUIRED, "framing: chunked request bodies need "
            + "http.h2c off; send a Content-Length"), System.nanoTime());
        return;
      }
      request.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    if (hasBody(request)) {
      bodies.add(new BodyWatch(request, System.currentTimeMillis()));
    }
    boolean same = target.authority() == null && target.query() == null
        ? target.path().equals(request.uri()) : target.uri().equals(request.uri());
    next.handle(same ? request : new NormalisedRequest((HttpServerRequestInternal) request, target));
  }

  /**
   * CONNECT (a tunnel to anywhere) and TRACE or TRACK (they echo credentials back) are not
   * proxied, in any letter case (some upstreams fold it): 405. Other methods, standard or not, go
   * on to the routes, which may list the ones they take.
   */
  private static Rejection checkMethod(HttpServerRequest request) {
    String method = request.method().name();
    if (method.equalsIgnoreCase("CONNECT") || method.equalsIgnoreCase("TRACE") || method.equalsIgnoreCase("TRACK")) {
      return new Rejection(Failure.METHOD_NOT_ALLOWED, "method: " + method.toUpperCase(java.util.Locale.ROOT) + " is not served by the gateway");
    }
    return null;
  }

  private static Rejection checkHttp1(HttpServerRequest request) {
    MultiMap headers = request.headers();
    if (headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      Rejection te = HeaderRules.transferEncoding(headers.getAll(HttpHeaders.TRANSFER_ENCODING),
          request.version() == HttpVersion.HTTP_1_0);
      if (te != null) {
        return te;
      }
    }
    String fields = HeaderRules.fields(headers, false);
    if (fields != null) {
      return Rejection.badRequest(fields);
    }
    String host = headers.get(HttpHeaders.HOST);
    if (host == null) {
      return request.version() == HttpVersion.HTTP_1_0 ? null : Rejection.badRequest("Host: required in HTTP/1.1");
    }
    if (!HeaderRules.isValidHost(host.trim())) {
      return Rejection.badRequest("Host: not a valid host[:port]");
    }
    return null;
  }

  private static Rejection checkHttp2(HttpServerRequest request) {
    String fields = HeaderRules.fields(request.headers(), true);
    if (fields == null) {
      fields = HeaderRules.connectionSpecific(request.headers());
    }
    if (fields != null) {
      return Rejection.reset(fields);
    }
    if (containsControl(request.uri())) {
      return Rejection.reset("path: control character in :path");
    }
    String hostField = request.headers().get(HttpHeaders.HOST);
    String authority = request.authority() == null ? null : request.authority().toString();
    if (hostField != null && authority != null && !hostField.trim().equalsIgnoreCase(authority)) {
      return Rejection.reset("Host: differs from :authority");
    }
    String host = hostField == null ? authority : hostField.trim();
    if (host == null) {
      return Rejection.badRequest("Host: a request needs :authority or Host");
    }
    return HeaderRules.isValidHost(host) ? null : Rejection.badRequest("Host: not a valid host[:port]");
  }

  /** An absolute-form target names its host; a Host header saying otherwise is ambiguous. */
  private static Rejection checkAuthority(HttpServerRequest request, RequestTarget target) {
    if (target.authority() == null) {
      return null;
    }
    String host = request.getHeader(HttpHeaders.HOST);
    if (!HeaderRules.isValidHost(target.authority())) {
      return Rejection.badRequest("request target: not a valid host[:port] in the absolute URL");
    }
    if (host != null && !host.trim().equalsIgnoreCase(target.authority())) {
      return Rejection.badRequest("Host: differs from the absolute URL's host");
    }
    return null;
  }

  private static boolean containsControl(String s) {
    if (s == null) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        return true;
      }
    }
    return false;
  }

  /** A body to watch: declared (HTTP/1.x), or an HTTP/2 stream not ended with its headers. */
  static boolean hasBody(HttpServerRequest request) {
    return Framing.hasBody(request);
  }

  /** Answers a refused request; HTTP/1.x connections are closed after it (the body is unread). */
  private void refuse(HttpServerRequest request, Rejection rejection, long start) {
    String detail = rejection.detail();
    if (rejection.isReset()) {
      LOG.debug("reset a malformed HTTP/2 stream: {}", detail);
      request.response().reset(PROTOCOL_ERROR);
      observer.refused(request, 400, detail, start);
      return;
    }
    answer(request, rejection.failure(), detail, start);
  }

  private void answer(HttpServerRequest request, Failure failure, String detail, long start) {
    HttpServerResponse response = request.response();
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    if (response.headWritten()) {
      closeOrReset(request);
      return;
    }
    if (http1) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
      ConnectionWatch watch = connections.get(request.connection());
      if (watch != null) {
        watch.closing();
      }
    }
    Envelope envelope = Envelope.start(null, null, 0, null);
    response.putHeader("X-Request-Id", envelope.requestId());
    observer.refused(request, failure.httpStatus(), detail, start);
    ProblemResponder.write(request, failure, detail, null, envelope.requestId())
        .onComplete(ar -> {
          if (http1) {
            request.connection().close();
          }
        });
  }

  /**
   * Whether the request arrived on a connection already being closed after a refusal: bytes
   * pipelined behind a refused request are never served (they may be a smuggled request).
   */
  private boolean closing(HttpServerRequest request) {
    ConnectionWatch watch = connections.get(request.connection());
    if (watch != null && watch.isClosing()) {
      request.connection().close();
      return true;
    }
    return false;
  }

  private static void closeOrReset(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      request.response().reset(0x8); // CANCEL
    } else {
      request.connection().close();
    }
  }

  /**
   * Connections closed per turn of the event loop: an attack's connections fall due together, and
   * closing hundreds at once holds the loop long enough to show in other clients' latency. The
   * rest wait for the next turn, 10 ms later.
   */
  static final int CLOSES_PER_TURN = 16;
  private boolean catchingUp;

  private void sweep() {
    long now = System.currentTimeMillis();
    int[] left = {CLOSES_PER_TURN};
    // Closing a connection can take it out of the table at once (its close listener), so the
    // overdue ones are gathered first: closing them while iterating the table would throw and
    // end the sweep before the bodies were looked at.
    List<ConnectionWatch> overdue = new ArrayList<>();
    List<ConnectionWatch> quiet = new ArrayList<>();
    connections.values().forEach(watch -> {
      if (watch.headersOverdue(now, options.headerTimeoutMillis(), options.keepAliveTimeoutMillis())) {
        overdue.add(watch);
      } else if (idleMillis > 0 && watch.quietFor(now, idleMillis)) {
        quiet.add(watch);
      }
    });
    for (ConnectionWatch watch : overdue) {
      if (left[0]-- <= 0) {
        break;
      }
      watch.timeOut(options.headerTimeoutMillis());
    }
    for (ConnectionWatch watch : quiet) {
      if (left[0]-- <= 0) {
        break;
      }
      watch.closeQuiet();
    }
    bodies.removeIf(body -> {
      HttpServerRequest request = body.request();
      if (request.isEnded() || request.response().closed()) {
        return true;
      }
      long allowance = options.bodyTimeoutMillis() + request.bytesRead() * 1_000 / options.minBodyRate();
      if (now - body.since() <= allowance || left[0]-- <= 0) {
        return false;
      }
      LOG.debug("request body too slow: {} bytes in {} ms", request.bytesRead(), now - body.since());
      try {
        answer(request, Failure.REQUEST_TIMEOUT, "body: " + request.bytesRead() + " bytes in " + (now - body.since())
            + " ms, slower than " + options.minBodyRate() + " bytes/s", System.nanoTime());
      } catch (IllegalStateException | StreamResetException e) {
        closeOrReset(request); // the response ended meanwhile
      }
      return true;
    });
    if (left[0] < 0 && !catchingUp) {
      catchingUp = true;
      vertx.setTimer(10, id -> {
        catchingUp = false;
        sweep();
      });
    }
  }
}
