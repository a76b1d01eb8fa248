package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;

/**
 * gRPC's {@code grpc-timeout} header (gRPC over HTTP/2: up to 8 digits and a unit, {@code H M S m
 * u n}): the call's deadline, which the gateway honours like a route's timeout — the shorter wins
 * — and passes on as what is left of it.
 */
final class GrpcDeadline {
  // an AsciiString: its hash is kept, where a String's is worked out on every lookup
  static final CharSequence HEADER = io.vertx.core.http.HttpHeaders.createOptimized("grpc-timeout");

  private GrpcDeadline() {}

  /**
   * The timeout in milliseconds (at least 1), or -1 when there is none.
   *
   * @throws ServiceException (400) when the header is not a gRPC timeout
   */
  static long millis(String value) {
    if (value == null) {
      return -1;
    }
    String v = value.trim();
    if (v.length() < 2 || v.length() > 9) {
      throw bad(value);
    }
    long amount = 0;
    for (int i = 0; i < v.length() - 1; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw bad(value);
      }
      amount = amount * 10 + (c - '0');
    }
    long nanos = switch (v.charAt(v.length() - 1)) {
      case 'H' -> amount * 3_600_000_000_000L;
      case 'M' -> amount * 60_000_000_000L;
      case 'S' -> amount * 1_000_000_000L;
      case 'm' -> amount * 1_000_000L;
      case 'u' -> amount * 1_000L;
      case 'n' -> amount;
      default -> throw bad(value);
    };
    return Math.max(1, nanos / 1_000_000);
  }

  /** A timeout of {@code millis} as the header writes it. */
  static String format(long millis) {
    long m = Math.max(1, millis);
    return m <= 99_999_999 ? m + "m" : Math.min(99_999_999, m / 1_000) + "S";
  }

  private static ServiceException bad(String value) {
    return new ServiceException(Failure.BAD_REQUEST, "grpc-timeout: not a gRPC timeout (digits and one of H M S m u n): "
        + dev.gantry.gateway.observe.SafeText.of(value));
  }
}
