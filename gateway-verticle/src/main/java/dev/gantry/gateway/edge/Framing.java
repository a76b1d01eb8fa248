package dev.gantry.gateway.edge;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * The one reading of whether a request carries a body, once the edge has checked its framing: in
 * HTTP/1.x a {@code Content-Length} other than 0, or {@code Transfer-Encoding} (which the edge has
 * made exactly {@code chunked}); in HTTP/2 a {@code Content-Length} other than 0, or a stream the
 * client has not ended with its headers (a gRPC call streams its messages with no length); and of
 * when an answer leaves that body unread.
 */
public final class Framing {
  private Framing() {}

  /**
   * A Content-Length's value, or -1 when there is none or it is not a plain decimal number (a sign,
   * spaces, a list, hex, more than 18 digits). The one reading of it: the decoders have refused or
   * trimmed anything else before a request or an upstream's answer gets this far.
   */
  public static long contentLength(String value) {
    if (value == null || value.isEmpty() || value.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** Whether the request declares a body. */
  public static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !length.equals("0");
    }
    return request.version() == HttpVersion.HTTP_2 ? http2BodyPending(request)
        : request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /**
   * Whether an HTTP/2 client may still send body bytes on the request's stream. Vert.x hands a
   * request over before it delivers an END_STREAM that came with the headers, so
   * {@link HttpServerRequest#isEnded()} is still false for a GET then; Netty's stream state knows
   * (a stream opened by HEADERS with END_STREAM is born half-closed).
   */
  private static boolean http2BodyPending(HttpServerRequest request) {
    if (request.isEnded()) {
      return false;
    }
    if (request.connection() instanceof io.vertx.core.net.impl.ConnectionBase base) {
      io.netty.handler.codec.http2.Http2ConnectionHandler h2 =
          base.channel().pipeline().get(io.netty.handler.codec.http2.Http2ConnectionHandler.class);
      if (h2 != null) {
        io.netty.handler.codec.http2.Http2Stream stream = h2.connection().stream(request.streamId());
        return stream != null && stream.state().remoteSideOpen();
      }
    }
    return true;
  }

  /**
   * Whether answering now would leave an HTTP/1.x body unread on the connection: the connection
   * must then close after the answer, or the rest of the body would be read as the next request.
   */
  public static boolean bodyUnread(HttpServerRequest request) {
    return request.version() != HttpVersion.HTTP_2 && !request.isEnded() && hasBody(request);
  }
}
