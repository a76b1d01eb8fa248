package dev.gantry.services.sdk.kafka;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * Turns a record's bytes into a value. Throwing means the record can never be handled: it goes to
 * the dead-letter topic with the exception's message as the reason, without retries.
 */
@FunctionalInterface
public interface RecordDecoder<T> {
  T decode(String key, Buffer value, Map<String, String> headers);
}
