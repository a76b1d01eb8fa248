package dev.gantry.services.sdk;

import dev.gantry.codecs.Envelope;
import io.vertx.core.Future;

/** A service operation: a request and its envelope in, a reply (or a failed future) out. */
@FunctionalInterface
public interface ServiceHandler<T, R> {
  Future<R> handle(T request, Envelope envelope);
}
