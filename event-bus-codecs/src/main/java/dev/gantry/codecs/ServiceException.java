package dev.gantry.codecs;

import io.vertx.core.eventbus.Message;

/**
 * A domain failure: what went wrong, in words a client can act on, and which {@link Failure} it
 * is. Services throw or fail futures with it; the SDK turns it into {@code message.fail(code, detail)}
 * and the gateway into a problem response.
 */
public final class ServiceException extends RuntimeException {
  private final Failure failure;

  public ServiceException(Failure failure, String detail) {
    super(detail, null, false, false);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }

  public String detail() {
    return getMessage();
  }

  /** Fails the message with this exception's code and detail. */
  public void failTo(Message<?> message) {
    message.fail(failure.code(), getMessage());
  }
}
