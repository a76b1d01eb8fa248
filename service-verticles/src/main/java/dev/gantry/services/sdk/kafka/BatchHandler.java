package dev.gantry.services.sdk.kafka;

import io.vertx.core.Future;
import java.util.List;

/**
 * Handles records of one poll, in offset order per partition. The batch's offsets are committed
 * only after the future succeeds; a failed future has the batch retried (with backoff), then its
 * records one by one, so the handler should make a batch all or nothing (one transaction).
 */
@FunctionalInterface
public interface BatchHandler<T> {
  Future<Void> handle(List<ConsumedRecord<T>> batch);
}
