package dev.gantry.services.sdk.kafka;

import java.util.Map;

/** A decoded record with where it came from and its headers (the last value of each name, as text). */
public record ConsumedRecord<T>(String topic, int partition, long offset, String key, T value,
    Map<String, String> headers, long timestamp) {

  public ConsumedRecord {
    headers = Map.copyOf(headers);
  }

  public String header(String name) {
    return headers.get(name);
  }
}
