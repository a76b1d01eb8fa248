package dev.gantry.gateway.problem;

import dev.gantry.codecs.Failure;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's failures as gRPC statuses: a gRPC client reads {@code grpc-status} and
 * {@code grpc-message}, not an HTTP status or a problem body. Answered as a trailers-only response
 * (HTTP 200, {@code content-type: application/grpc}, the status in the one header block), as the
 * gRPC over HTTP/2 protocol says a server answers a call it fails before any message.
 */
public final class GrpcStatus {
  public static final int OK = 0;
  public static final int INVALID_ARGUMENT = 3;
  public static final int DEADLINE_EXCEEDED = 4;
  public static final int PERMISSION_DENIED = 7;
  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int ABORTED = 10;
  public static final int UNIMPLEMENTED = 12;
  public static final int INTERNAL = 13;
  public static final int UNAVAILABLE = 14;
  public static final int UNAUTHENTICATED = 16;

  private GrpcStatus() {}

  /** Whether the request is a gRPC call (its content type is {@code application/grpc} or a subtype such as {@code +proto}). */
  public static boolean isGrpc(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
        && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
  }

  /** The gRPC status code a failure means to a gRPC client. */
  public static int of(Failure failure) {
    return switch (failure) {
      case BAD_REQUEST, LENGTH_REQUIRED, URI_TOO_LONG, UNSUPPORTED_MEDIA_TYPE, UNPROCESSABLE -> INVALID_ARGUMENT;
      case UNAUTHORIZED -> UNAUTHENTICATED;
      case FORBIDDEN -> PERMISSION_DENIED;
      case NOT_FOUND, METHOD_NOT_ALLOWED, NOT_IMPLEMENTED -> UNIMPLEMENTED;
      case REQUEST_TIMEOUT, TIMEOUT -> DEADLINE_EXCEEDED;
      case CONFLICT -> ABORTED;
      case PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS, HEADERS_TOO_LARGE -> RESOURCE_EXHAUSTED;
      case BAD_GATEWAY, UNAVAILABLE -> UNAVAILABLE;
      default -> INTERNAL;
    };
  }

  /** Ends {@code response} as a trailers-only gRPC answer carrying the failure. */
  static Future<Void> write(HttpServerResponse response, Failure failure, String detail, String requestId) {
    String message = failure.title() + (detail == null ? "" : ": " + detail);
    if (requestId != null) {
      response.putHeader("X-Request-Id", requestId);
    }
    return response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/grpc")
        .putHeader("grpc-status", Integer.toString(of(failure)))
        .putHeader("grpc-message", percentEncode(message))
        .end();
  }

  /** grpc-message is percent-encoded UTF-8: printable ASCII but {@code %} as it is (gRPC over HTTP/2, "Responses"). */
  static String percentEncode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c >= 0x20 && c <= 0x7E && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
