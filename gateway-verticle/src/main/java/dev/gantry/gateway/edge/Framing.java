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

  /** Whether the request declares a body. */
  public static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !length.equals("0");
    }
    return request.version() == HttpVersion.HTTP_2 ? !request.isEnded()
        : request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /**
   * Whether answering now would leave an HTTP/1.x body unread on the connection: the connection
   * must then close after the answer, or the rest of the body would be read as the next request.
   */
  public static boolean bodyUnread(HttpServerRequest request) {
    return request.version() != HttpVersion.HTTP_2 && !request.isEnded() && hasBody(request);
  }
}
