package dev.gantry.gateway.edge;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;

/**
 * Why the edge refuses a request: a failure to answer with, or (for a malformed HTTP/2 request)
 * a stream reset.
 *
 * @param failure the problem to answer, null for a stream reset
 * @param detail  what was wrong, in words; it may quote the request and is escaped where logged
 */
record Rejection(Failure failure, String detail) {
  static Rejection badRequest(String detail) {
    return new Rejection(Failure.BAD_REQUEST, detail);
  }

  static Rejection reset(String detail) {
    return new Rejection(null, detail);
  }

  static Rejection of(ServiceException e) {
    return new Rejection(e.failure(), e.detail());
  }

  boolean isReset() {
    return failure == null;
  }
}
