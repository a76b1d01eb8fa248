package dev.gantry.services.sdk.kafka;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * How a {@link TopicConsumer} reads a topic: where, in which consumer group, how many records a
 * poll hands over at most, how often a failing batch or record is tried and how long it waits in
 * between (doubling from {@code initialBackoffMillis} up to {@code maxBackoffMillis}).
 */
public final class TopicConsumerOptions {
  public static final int DEFAULT_MAX_POLL_RECORDS = 500;
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final long DEFAULT_INITIAL_BACKOFF_MILLIS = 100;
  public static final long DEFAULT_MAX_BACKOFF_MILLIS = 5_000;
  public static final long DEFAULT_POLL_TIMEOUT_MILLIS = 500;
  public static final String DLQ_SUFFIX = ".dlq";

  private String bootstrap;
  private String topic;
  private String groupId;
  private String clientId;
  private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private long initialBackoffMillis = DEFAULT_INITIAL_BACKOFF_MILLIS;
  private long maxBackoffMillis = DEFAULT_MAX_BACKOFF_MILLIS;
  private long pollTimeoutMillis = DEFAULT_POLL_TIMEOUT_MILLIS;

  public TopicConsumerOptions() {}

  public TopicConsumerOptions(JsonObject json) {
    bootstrap = json.getString("bootstrap");
    topic = json.getString("topic");
    groupId = json.getString("group-id");
    clientId = json.getString("client-id");
    maxPollRecords = json.getInteger("max-poll-records", DEFAULT_MAX_POLL_RECORDS);
    maxAttempts = json.getInteger("max-attempts", DEFAULT_MAX_ATTEMPTS);
    initialBackoffMillis = json.getLong("initial-backoff-ms", DEFAULT_INITIAL_BACKOFF_MILLIS);
    maxBackoffMillis = json.getLong("max-backoff-ms", DEFAULT_MAX_BACKOFF_MILLIS);
    pollTimeoutMillis = json.getLong("poll-timeout-ms", DEFAULT_POLL_TIMEOUT_MILLIS);
  }

  public JsonObject toJson() {
    return new JsonObject().put("bootstrap", bootstrap).put("topic", topic).put("group-id", groupId)
        .put("client-id", clientId).put("max-poll-records", maxPollRecords).put("max-attempts", maxAttempts)
        .put("initial-backoff-ms", initialBackoffMillis).put("max-backoff-ms", maxBackoffMillis)
        .put("poll-timeout-ms", pollTimeoutMillis);
  }

  /** Refuses options a consumer cannot run with, naming the field. */
  public TopicConsumerOptions validate() {
    require(bootstrap != null && !bootstrap.isBlank(), "bootstrap: required");
    require(topic != null && !topic.isBlank(), "topic: required");
    require(groupId != null && !groupId.isBlank(), "group-id: required");
    require(maxPollRecords >= 1 && maxPollRecords <= 100_000, "max-poll-records: 1 to 100000, got " + maxPollRecords);
    require(maxAttempts >= 1 && maxAttempts <= 100, "max-attempts: 1 to 100, got " + maxAttempts);
    require(initialBackoffMillis >= 1 && maxBackoffMillis >= initialBackoffMillis,
        "initial-backoff-ms/max-backoff-ms: 1 <= initial <= max, got " + initialBackoffMillis + "/" + maxBackoffMillis);
    require(pollTimeoutMillis >= 1, "poll-timeout-ms: positive, got " + pollTimeoutMillis);
    return this;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("topic consumer: " + message);
    }
  }

  /** The consumer's Kafka settings: no auto commit, earliest offset for a new group. */
  Map<String, String> consumerConfig() {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put("group.id", groupId);
    config.put("client.id", clientId == null ? groupId : clientId);
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("max.poll.records", Integer.toString(maxPollRecords));
    // Kafka's default 1 MB per partition cut polls to a few thousand small records.
    config.put("max.partition.fetch.bytes", Integer.toString(16 << 20));
    config.put("isolation.level", "read_committed");
    return config;
  }

  /** The dead-letter producer's settings: acknowledged by all replicas, idempotent. */
  Map<String, String> producerConfig() {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put("client.id", (clientId == null ? groupId : clientId) + "-dlq");
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.block.ms", "5000");
    config.put("delivery.timeout.ms", "10000");
    config.put("request.timeout.ms", "5000");
    return config;
  }

  public String deadLetterTopic() {
    return topic + DLQ_SUFFIX;
  }

  public String getBootstrap() { return bootstrap; }
  public TopicConsumerOptions setBootstrap(String bootstrap) { this.bootstrap = bootstrap; return this; }
  public String getTopic() { return topic; }
  public TopicConsumerOptions setTopic(String topic) { this.topic = topic; return this; }
  public String getGroupId() { return groupId; }
  public TopicConsumerOptions setGroupId(String groupId) { this.groupId = groupId; return this; }
  public String getClientId() { return clientId; }
  public TopicConsumerOptions setClientId(String clientId) { this.clientId = clientId; return this; }
  public int getMaxPollRecords() { return maxPollRecords; }
  public TopicConsumerOptions setMaxPollRecords(int n) { this.maxPollRecords = n; return this; }
  public int getMaxAttempts() { return maxAttempts; }
  public TopicConsumerOptions setMaxAttempts(int n) { this.maxAttempts = n; return this; }
  public long getInitialBackoffMillis() { return initialBackoffMillis; }
  public TopicConsumerOptions setInitialBackoffMillis(long ms) { this.initialBackoffMillis = ms; return this; }
  public long getMaxBackoffMillis() { return maxBackoffMillis; }
  public TopicConsumerOptions setMaxBackoffMillis(long ms) { this.maxBackoffMillis = ms; return this; }
  public long getPollTimeoutMillis() { return pollTimeoutMillis; }
  public TopicConsumerOptions setPollTimeoutMillis(long ms) { this.pollTimeoutMillis = ms; return this; }
}
