package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Principal;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.edge.Framing;
import dev.gantry.gateway.edge.Authority;
import dev.gantry.gateway.edge.Peer;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.spec.HeaderOps;
import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.UpstreamClients;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sends one attempt of a request to an endpoint and relays the response back, streaming both
 * bodies with back-pressure (a body is never held whole unless the caller buffered it for
 * retries or shadowing). Hop-by-hop headers are dropped; {@code Forwarded} and
 * {@code X-Forwarded-*} are set.
 */
public final class HttpForwarder {
  /** The authenticated principal's subject upstream; {@code -Issuer}, {@code -Scopes}, {@code -Roles}, {@code -Consumer}, {@code -Method} beside it. */
  public static final String PRINCIPAL_HEADER = "Gantry-Principal";
  private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");
  // Names the gateway sets on every request, as AsciiStrings: their hashes are kept and Netty
  // writes them by copying bytes.
  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  private static final CharSequence TRACEPARENT = HttpHeaders.createOptimized("traceparent");
  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
  private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
  private static final CharSequence FORWARDED = HttpHeaders.createOptimized("Forwarded");
  private static final String[] NO_TOKENS = {};
  private final UpstreamClients clients;
  private final UpstreamDeadlines deadlines;
  private final String proto;

  /**
   * Made on the event loop whose requests it sends (its answer deadlines are that loop's).
   *
   * @param tls whether the listener it serves speaks TLS (the {@code X-Forwarded-Proto} it sends)
   */
  public HttpForwarder(UpstreamClients clients, boolean tls) {
    this.clients = clients;
    this.proto = tls ? "https" : "http";
    this.deadlines = new UpstreamDeadlines(clients.vertx());
  }

  /** Where a request to {@code endpoint} goes: its address, and the name its TLS asks for and checks. */
  private static RequestOptions target(Endpoint endpoint) {
    String serverName = endpoint.transport().serverName();
    RequestOptions options = new RequestOptions();
    if (serverName != null) {
      // connect to the address, but send this name as SNI and verify the certificate against it
      return options.setServer(SocketAddress.inetSocketAddress(endpoint.port(), endpoint.host()))
          .setHost(serverName).setPort(endpoint.port());
    }
    return options.setHost(endpoint.host()).setPort(endpoint.port());
  }

  /**
   * Sends the request; the future holds the upstream response with its body not yet read.
   *
   * @param envelope the request's envelope, whose request id and trace context go upstream
   * @param body the buffered request body, or null to stream {@code in}'s body
   */
  public Future<HttpClientResponse> send(HttpServerRequest in, Envelope envelope, Endpoint endpoint, String uri,
      Buffer body, long timeoutMillis, HeaderOps ops, long maxBodyBytes) {
    RequestOptions options = target(endpoint)
        .setMethod(in.method())
        .setURI(uri)
        .setConnectTimeout(Math.max(1, Math.min(timeoutMillis, 5_000)));
    return clients.of(endpoint.transport()).request(options).compose(request -> {
      // A failure (the client's body broke off, so the upstream request is reset) reaches the caller
      // through the response future; with no handler here Vert.x would also log it at ERROR, one
      // line per hostile request.
      request.exceptionHandler(e -> { });
      UpstreamDeadlines.Wait wait = deadlines.watch(request, Math.max(1, timeoutMillis));
      upstreamHeaders(in, envelope, request.headers(), proto);
      apply(ops, request.headers());
      endToEndExtras(in, request, timeoutMillis);
      Future<HttpClientResponse> sent;
      if (body != null) {
        sent = request.send(body);
      } else if (!Framing.hasBody(in)) {
        sent = request.send();
      } else {
        sent = stream(in, request, maxBodyBytes);
      }
      return sent.transform(ar -> {
        wait.done();
        if (ar.failed()) {
          // the deadline's reset, however Vert.x reports it (over HTTP/2, before the stream
          // existed, a reset without its cause): the caller sees the timeout
          return Future.failedFuture(wait.expired() ? new UpstreamDeadlines.DeadlineExceeded() : ar.cause());
        }
        // Held until someone reads it: the body must not flow while the response is handed around
        // (through a breaker, a retry decision) with no handler to take it.
        HttpClientResponse response = ar.result();
        response.pause();
        return Future.succeededFuture(response);
      });
    });
  }

  /**
   * What goes on beside the end-to-end headers: over HTTP/2 the client's Host becomes the
   * upstream request's {@code :authority} and {@code TE: trailers} goes on when the client sent it
   * (the gateway relays trailers, so it may say it takes them; gRPC servers ask for it); and a gRPC deadline goes on as what
   * is left of it, so the upstream gives up when the gateway does.
   */
  private static void endToEndExtras(HttpServerRequest in, HttpClientRequest request, long timeoutMillis) {
    MultiMap headers = request.headers();
    if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
      String host = headers.get(HttpHeaders.HOST);
      if (host != null) {
        request.authority(io.vertx.core.net.HostAndPort.parseAuthority(host, -1));
        headers.remove(HttpHeaders.HOST);
      }
      String te = in.getHeader("te");
      if (te != null && te.toLowerCase(Locale.ROOT).contains("trailers")) {
        headers.set("te", "trailers"); // gRPC servers want it; HTTP/1.1 upstreams never get a client's TE
      }
    }
    if (headers.contains(GrpcDeadline.HEADER)) {
      headers.set(GrpcDeadline.HEADER, GrpcDeadline.format(timeoutMillis));
    }
  }

  /**
   * Streams the client's body to the upstream. The upstream request is ended only when the whole
   * body went through — as many bytes as its Content-Length said, or a chunked body to its last
   * chunk; a body that broke off (the client left, a read failed) or passed the route's limit
   * (413, checked as it streams when no length was declared) resets the upstream request instead.
   * Vert.x's own {@code send(ReadStream)} ends the request when its source fails, so a body cut
   * short looked complete, and an HTTP/1.1 reset after the upstream had already answered only
   * forgets the request: either way the connection went back to the pool still owing body bytes,
   * and the upstream read the next client's request as the rest of this body and answered it
   * with another's answer (seen under 1 MB bodies at volume: 414 and 502 given to clients that
   * sent neither). Such a connection is now closed, never reused.
   */
  private static Future<HttpClientResponse> stream(HttpServerRequest in, HttpClientRequest request, long max) {
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    long declared = length == null ? -1 : Long.parseLong(length.trim()); // checked by the edge before
    if (declared < 0) {
      request.setChunked(true);
    }
    long[] seen = {0};
    boolean[] over = {false};
    ServiceException tooLarge = new ServiceException(Failure.PAYLOAD_TOO_LARGE,
        "body: larger than the " + max + " bytes this route accepts");
    in.handler(chunk -> {
      seen[0] += chunk.length();
      if (declared < 0 && seen[0] > max || declared >= 0 && seen[0] > declared) {
        over[0] = true;
        in.handler(null);
        abandon(request, tooLarge);
        return;
      }
      request.write(chunk);
      if (request.writeQueueFull()) {
        in.pause();
        request.drainHandler(v -> in.resume());
      }
    });
    in.exceptionHandler(e -> abandon(request, e));
    in.endHandler(v -> {
      if (declared >= 0 && seen[0] != declared) {
        abandon(request, new ServiceException(Failure.BAD_REQUEST, "body: ended after " + seen[0] + " of the "
            + declared + " bytes its Content-Length declared"));
      } else if (!over[0]) {
        request.end();
      }
    });
    in.resume();
    return request.response().recover(e -> Future.failedFuture(over[0] ? tooLarge : e));
  }

  /**
   * Gives up an upstream request whose body was not sent whole. Over HTTP/2 its stream is reset.
   * Over HTTP/1.x its connection is closed: Vert.x resets an HTTP/1.x request whose response has
   * already ended by merely forgetting it, and the connection would go back to the pool while the
   * upstream still waits for the rest of the body. The request was not ended, so its connection
   * cannot have gone back to the pool yet and closing it ends no one else's exchange; the
   * request's response fails with the close.
   */
  static void abandon(HttpClientRequest request, Throwable cause) {
    if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
      request.reset(0, cause);
    } else {
      request.connection().close();
    }
  }

  /**
   * Whether the client asks to switch to WebSocket, the one upgrade passed through. Any other
   * (such as {@code h2c} when cleartext HTTP/2 is off) is ignored, as RFC 9110 §7.8 allows: the
   * request is proxied as plain HTTP/1.1 and its hop-by-hop Upgrade header dropped.
   */
  static boolean isUpgrade(HttpServerRequest in) {
    String upgrade = in.getHeader(HttpHeaders.UPGRADE);
    String connection = in.getHeader(HttpHeaders.CONNECTION);
    return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket") && connection != null
        && connection.toLowerCase(Locale.ROOT).contains("upgrade");
  }

  /**
   * Passes an upgrade through: the handshake goes to the endpoint with its Upgrade headers; on
   * {@code 101} both connections become raw sockets piped into each other until either closes;
   * any other answer is relayed as a normal response.
   */
  public Future<Void> upgrade(HttpServerRequest in, Envelope envelope, Endpoint endpoint, String uri,
      long connectTimeoutMillis) {
    RequestOptions options = target(endpoint).setMethod(in.method()).setURI(uri)
        .setConnectTimeout(Math.max(1, connectTimeoutMillis));
    return clients.of(endpoint.transport()).request(options).compose(request -> {
      // the tunnel's end closes this request's connection: its failure reaches the caller through
      // connect() while there is one to tell; afterwards it is the tunnel ending, not an error to log
      request.exceptionHandler(e -> { });
      upstreamHeaders(in, envelope, request.headers(), proto);
      request.headers().set(HttpHeaders.CONNECTION, in.getHeader(HttpHeaders.CONNECTION));
      request.headers().set(HttpHeaders.UPGRADE, in.getHeader(HttpHeaders.UPGRADE));
      return request.connect();
    }).compose(response -> {
      HttpServerResponse out = in.response();
      if (response.statusCode() != 101) {
        response.pause();
        return relay(out, response, HeaderOps.NONE, 0).mapEmpty();
      }
      out.setStatusCode(101);
      response.headers().forEach(h -> out.headers().add(h.getKey(), h.getValue()));
      NetSocket up = response.netSocket();
      return in.toNetSocket().map(down -> {
        down.pipeTo(up);
        up.pipeTo(down);
        return null;
      });
    });
  }

  /** Reads a whole upstream response body (paused by {@link #send}). */
  static Future<Buffer> body(HttpClientResponse upstream) {
    Future<Buffer> body = upstream.body();
    upstream.resume();
    return body;
  }


  /**
   * What goes upstream, written straight into the client request's own map (headers handed over
   * through RequestOptions would be copied once more): the client's end-to-end headers, the
   * forwarding headers, and the envelope's request id and trace context.
   */
  private static void upstreamHeaders(HttpServerRequest in, Envelope envelope, MultiMap out, String proto) {
    copyRequestHeaders(in, out, proto);
    if (envelope != null) {
      out.set(X_REQUEST_ID, envelope.requestId());
      out.set(TRACEPARENT, envelope.traceparent());
      Principal who = envelope.claims();
      if (who != null) {
        PrincipalHeaders.set(who, out);
      }
    }
  }

  /**
   * Whether a client header claims to say who the caller is ({@code Gantry-Principal…}): only the
   * gateway says that, so a client's copy is never forwarded.
   */
  public static boolean spoofsPrincipal(String name) {
    if (name.length() < PRINCIPAL_HEADER.length()) {
      return false;
    }
    // '_' counts as '-': CGI, WSGI, Rack and PHP read Gantry_Principal as Gantry-Principal (HTTP_GANTRY_PRINCIPAL)
    for (int i = 0; i < PRINCIPAL_HEADER.length(); i++) {
      char c = name.charAt(i);
      char want = PRINCIPAL_HEADER.charAt(i);
      if (c == '_' ? want != '-' : Character.toLowerCase(c) != Character.toLowerCase(want)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A principal's value as a header value: printable ASCII as it is, except {@code %}; every other
   * character (non-ASCII, controls) percent-encoded as UTF-8. A header carries bytes, and Netty
   * writes a character above U+00FF as {@code ?}: unencoded, "a\u0142ice" would reach the
   * upstream as "a?ice", another user's name.
   */
  static String headerSafe(String value) {
    int i = 0;
    while (i < value.length() && plainInHeader(value.charAt(i))) {
      i++;
    }
    if (i == value.length()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, i);
    byte[] rest = value.substring(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte b : rest) {
      char c = (char) (b & 0xFF);
      if (plainInHeader(c)) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }

  private static boolean plainInHeader(char c) {
    return c >= 0x20 && c < 0x7F && c != '%';
  }

  /**
   * The client's end-to-end headers and the forwarding ones. Facts come from the request itself
   * (the peer's address, the listener's scheme, the Host it sent): Vert.x Web's wrapper would
   * work out forwarded scheme, host and address on every request to answer the same.
   */
  private static void copyRequestHeaders(HttpServerRequest in, MultiMap out, String proto) {
    String[] named = connectionTokens(in.headers());
    String priorFor = null;
    String priorForwarded = null;
    for (Map.Entry<String, String> h : in.headers()) {
      String name = h.getKey();
      if (!isEndToEnd(named, name) || spoofsPrincipal(name)) {
        continue;
      }
      if (name.equalsIgnoreCase("x-forwarded-for")) {
        priorFor = priorFor == null ? h.getValue() : priorFor + ", " + h.getValue();
      } else if (name.equalsIgnoreCase("forwarded")) {
        priorForwarded = priorForwarded == null ? h.getValue() : priorForwarded + ", " + h.getValue();
      } else if (!name.equalsIgnoreCase("x-forwarded-proto") && !name.equalsIgnoreCase("x-forwarded-host")) {
        out.add(name, h.getValue());
      }
    }
    String host;
    if (in.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
      host = Authority.of(in);
      if (host != null && !out.contains(HttpHeaders.HOST)) {
        out.set(HttpHeaders.HOST, host); // HTTP/2's :authority is HTTP/1.1's Host
      }
    } else {
      host = in.getHeader(HttpHeaders.HOST); // one, with a valid value: the edge refuses anything else
      if (host != null) {
        host = withoutDefaultPort(host.trim(), proto);
      } else {
        host = Authority.of(in); // HTTP/1.0 without Host: what an absolute-form target named
      }
    }
    // The peer itself: the gateway does not trust forwarding headers to say who the client is.
    String peer = Peer.hostAddress(in);
    String client = peer == null ? "unknown" : peer;
    out.add(X_FORWARDED_FOR, priorFor == null ? client : priorFor + ", " + client);
    out.add(X_FORWARDED_PROTO, proto);
    if (host != null) {
      out.add(X_FORWARDED_HOST, host);
    }
    String forwarded = "for=" + (client.indexOf(':') >= 0 ? "\"[" + client + "]\"" : client) + ";proto=" + proto
        + (host == null ? "" : ";host=\"" + host + "\"");
    out.add(FORWARDED, priorForwarded == null ? forwarded : priorForwarded + ", " + forwarded);
  }

  /** {@code host} less a port that is its scheme's default, as the HTTP/2 authority and Vert.x Web give it. */
  static String withoutDefaultPort(String host, String proto) {
    String port = proto.equals("https") ? ":443" : ":80";
    return host.endsWith(port) ? host.substring(0, host.length() - port.length()) : host;
  }

  /** Whether a header is hop-by-hop (RFC 9110 §7.6.1), without allocating a lower-case copy. */
  static boolean isHopByHop(String name) {
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("te");
      case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
      case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 16 -> name.equalsIgnoreCase("proxy-connection");
      case 17 -> name.equalsIgnoreCase("transfer-encoding");
      case 18 -> name.equalsIgnoreCase("proxy-authenticate");
      case 19 -> name.equalsIgnoreCase("proxy-authorization");
      default -> false;
    };
  }

  /** The headers a message's Connection header names: hop-by-hop too (RFC 9110 §7.6.1). */
  static String[] connectionTokens(MultiMap headers) {
    String connection = headers.get(HttpHeaders.CONNECTION);
    return connection == null ? NO_TOKENS : COMMA.split(connection.trim());
  }

  /**
   * Whether a header goes on to the next hop: not hop-by-hop, nor named by the message's
   * Connection. {@code Host} always goes on: a client naming it in Connection must not strip it.
   */
  static boolean isEndToEnd(String[] connectionTokens, String name) {
    if (isHopByHop(name)) {
      return false;
    }
    if (name.length() == 4 && name.equalsIgnoreCase("host")) {
      return true;
    }
    for (String token : connectionTokens) {
      if (token.equalsIgnoreCase(name)) {
        return false;
      }
    }
    return true;
  }

  static void apply(HeaderOps ops, MultiMap headers) {
    if (ops.isEmpty()) {
      return;
    }
    ops.remove().forEach(headers::remove);
    ops.rename().forEach((from, to) -> {
      if (headers.contains(from)) {
        headers.set(to, headers.getAll(from));
        headers.remove(from);
      }
    });
    ops.add().forEach(headers::set);
  }

  /**
   * Writes the upstream response to the client with back-pressure. The future holds up to
   * {@code teeLimit} bytes of the body (for shadow comparison), or null when {@code teeLimit} is 0.
   */
  public Future<Buffer> relay(HttpServerResponse out, HttpClientResponse upstream, HeaderOps ops, int teeLimit) {
    return relay(out, upstream, ops, null, teeLimit, null);
  }

  /**
   * As above, then sets {@code extra} (headers policies added), when not null; {@code prefix} is
   * the body's start already read from the upstream (by a policy that tried to hold it whole).
   */
  Future<Buffer> relay(HttpServerResponse out, HttpClientResponse upstream, HeaderOps ops, MultiMap extra,
      int teeLimit, Buffer prefix) {
    int status = upstream.statusCode();
    out.setStatusCode(status);
    String reason = upstream.statusMessage();
    if (reason != null && !reason.equals(io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase())) {
      // an upstream's own reason phrase goes on; the standard one is left to Vert.x, which then
      // writes its status line from bytes made once rather than a new status per response
      out.setStatusMessage(reason);
    }
    MultiMap headers = out.headers();
    String[] named = connectionTokens(upstream.headers());
    for (Map.Entry<String, String> h : upstream.headers()) {
      if (isEndToEnd(named, h.getKey())) {
        headers.add(h.getKey(), h.getValue());
      }
    }
    apply(ops, out.headers());
    if (extra != null) {
      Reply.set(extra, out.headers());
    }
    String length = out.headers().get(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      out.setChunked(true);
    }
    Buffer copy = teeLimit > 0 ? Buffer.buffer() : null;
    Promise<Buffer> done = Promise.promise();
    if (prefix != null) {
      out.write(prefix);
      if (copy != null) {
        copy.appendBuffer(prefix, 0, Math.min(prefix.length(), teeLimit));
      }
    }
    // The latest chunk waits for the end of the event loop's turn: a small body usually ends in the
    // same read as its last chunk, and then goes out with the headers in one write and one flush,
    // not a write for the chunk and another for the end. A chunk with no end behind it (a stream,
    // server-sent events) is written as soon as the turn is over. A chunk that completes the
    // length an HTTP/1.x upstream declared needs no such task: Netty hands its end over with it.
    // (Not over HTTP/2: a stream may end in a later frame — an empty DATA, trailers — after all
    // its declared bytes came.)
    long declared = prefix == null && upstream.version() != io.vertx.core.http.HttpVersion.HTTP_2
        ? Framing.contentLength(length) : -1;
    Held held = new Held(out, upstream, declared);
    upstream.handler(chunk -> {
      held.add(chunk);
      if (copy != null && copy.length() < teeLimit) {
        copy.appendBuffer(chunk, 0, Math.min(chunk.length(), teeLimit - copy.length()));
      }
    });
    upstream.exceptionHandler(e -> {
      held.drop();
      out.reset();
      done.tryFail(e);
    });
    upstream.endHandler(v -> {
      Buffer last = held.take();
      // trailers (gRPC's status travels in them) follow the body, as HTTP/2 trailers or chunked ones
      MultiMap trailers = upstream.trailers();
      if (trailers != null && !trailers.isEmpty()) {
        trailers.forEach(t -> out.trailers().add(t.getKey(), t.getValue()));
      }
      (last == null ? out.end() : out.end(last)).onComplete(ar -> done.tryComplete(copy));
    });
    upstream.resume();
    out.closeHandler(v -> {
      if (!out.ended()) {
        upstream.request().reset();
        done.tryFail("client went away");
      }
    });
    return done.future();
  }

  /**
   * The one chunk of a relayed body not yet written, and the end-of-turn task that writes it when
   * no end came behind it. Pauses the upstream when the client's write queue is full.
   */
  private static final class Held {
    private final HttpServerResponse out;
    private final HttpClientResponse upstream;
    /** Body bytes still to come by the upstream's Content-Length, or -1 when it declared none. */
    private long remaining;
    private Buffer chunk;

    Held(HttpServerResponse out, HttpClientResponse upstream, long declared) {
      this.out = out;
      this.upstream = upstream;
      this.remaining = declared;
    }

    void add(Buffer next) {
      if (remaining >= 0) {
        remaining -= next.length();
      }
      if (chunk != null) {
        write(chunk);
      } else if (remaining != 0) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context == null) {
          write(next);
          return;
        }
        context.runOnContext(v -> flush());
      }
      chunk = next;
    }

    /** The end of the turn: what is still held goes out. */
    private void flush() {
      Buffer pending = take();
      if (pending != null && !out.ended()) {
        write(pending);
      }
    }

    private void write(Buffer b) {
      out.write(b);
      if (out.writeQueueFull()) {
        upstream.pause();
        out.drainHandler(v -> upstream.resume());
      }
    }

    /** The held chunk, no longer held (the end writes it). */
    Buffer take() {
      Buffer b = chunk;
      chunk = null;
      return b;
    }

    void drop() {
      chunk = null;
    }
  }

  /** Reads and drops an upstream response body (a response that will be retried). */
  static Future<Void> discard(HttpClientResponse upstream) {
    return body(upstream).mapEmpty();
  }
}
