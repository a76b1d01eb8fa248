package dev.gantry.discovery;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeHeaders;
import io.vertx.core.eventbus.DeliveryOptions;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * Sends a request to a service address with the caller's envelope. The send timeout is what is
 * left of the deadline, and every event-bus failure comes back as a {@link ServiceException}, so
 * callers handle one error type.
 */
public final class ServiceClient {
  private final Vertx vertx;

  public ServiceClient(Vertx vertx) {
    this.vertx = vertx;
  }

  public <T> Future<Message<T>> request(String address, Object body, Envelope envelope) {
    return request(address, body, envelope, null);
  }

  /**
   * As {@link #request(String, Object, Envelope)}, naming the caller's identity in the mesh's call
   * policy ({@link EnvelopeHeaders#CALLER}), so the callee can check it too.
   */
  public <T> Future<Message<T>> request(String address, Object body, Envelope envelope, String caller) {
    if (envelope.expired()) {
      return Future.failedFuture(new ServiceException(Failure.TIMEOUT,
          "the request's deadline passed before " + address + " was called"));
    }
    DeliveryOptions options = envelope.deliveryOptions();
    if (caller != null) {
      options.addHeader(EnvelopeHeaders.CALLER, caller);
    }
    return vertx.eventBus().<T>request(address, body, options)
        .recover(failure -> Future.failedFuture(toServiceException(address, failure)));
  }

  static ServiceException toServiceException(String address, Throwable failure) {
    if (failure instanceof ServiceException e) {
      return e;
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> new ServiceException(Failure.ofCode(reply.failureCode()),
            reply.getMessage());
        case TIMEOUT -> new ServiceException(Failure.TIMEOUT,
            "no reply from " + address + " before the request's deadline");
        case NO_HANDLERS -> new ServiceException(Failure.UNAVAILABLE,
            "no instance of " + address + " is running in the cluster");
        // The transport could not deliver it (the node is unreachable, e.g. just died): the
        // instance is unavailable, the request was never handled.
        case ERROR -> new ServiceException(Failure.UNAVAILABLE, "could not deliver the request to " + address);
      };
    }
    return new ServiceException(Failure.INTERNAL, "calling " + address + " failed");
  }
}
