package dev.gantry.analytics;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * How the warehouse runs: where its Kafka is, which topic it reads, the directory holding its
 * DuckDB file (and its Parquet exports, under {@code export/}), how often models are rebuilt, and
 * how many records one micro-batch holds at most.
 */
public record AnalyticsOptions(String kafkaBootstrap, String topic, Path directory, long rebuildMillis,
    int maxBatchRecords) {
  public static final String DEFAULT_TOPIC = "orders.v1";
  public static final long DEFAULT_REBUILD_MILLIS = 60_000;
  public static final int DEFAULT_MAX_BATCH_RECORDS = 20_000;

  public AnalyticsOptions {
    if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
      throw new IllegalArgumentException("analytics: kafka-bootstrap is required");
    }
    if (rebuildMillis < 1) {
      throw new IllegalArgumentException("analytics: rebuild-interval-ms must be positive, got " + rebuildMillis);
    }
    if (maxBatchRecords < 1 || maxBatchRecords > 100_000) {
      throw new IllegalArgumentException("analytics: max-batch-records from 1 to 100000, got " + maxBatchRecords);
    }
  }

  public AnalyticsOptions(String kafkaBootstrap, Path directory) {
    this(kafkaBootstrap, DEFAULT_TOPIC, directory, DEFAULT_REBUILD_MILLIS, DEFAULT_MAX_BATCH_RECORDS);
  }

  public AnalyticsOptions(JsonObject json) {
    this(json.getString("kafka-bootstrap"), json.getString("topic", DEFAULT_TOPIC), Path.of(json.getString("directory")),
        json.getLong("rebuild-interval-ms", DEFAULT_REBUILD_MILLIS),
        json.getInteger("max-batch-records", DEFAULT_MAX_BATCH_RECORDS));
  }

  public AnalyticsOptions withRebuildMillis(long millis) {
    return new AnalyticsOptions(kafkaBootstrap, topic, directory, millis, maxBatchRecords);
  }

  public AnalyticsOptions withTopic(String name) {
    return new AnalyticsOptions(kafkaBootstrap, name, directory, rebuildMillis, maxBatchRecords);
  }

  public JsonObject toJson() {
    return new JsonObject().put("kafka-bootstrap", kafkaBootstrap).put("topic", topic)
        .put("directory", directory.toString()).put("rebuild-interval-ms", rebuildMillis)
        .put("max-batch-records", maxBatchRecords);
  }

  /** Where the warehouse of a node with data directory {@code dataDir} lives. */
  public static Path directoryIn(Path dataDir) {
    return dataDir.resolve("analytics");
  }
}
