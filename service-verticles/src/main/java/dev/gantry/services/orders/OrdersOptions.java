package dev.gantry.services.orders;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How the orders service runs: how often its outbox relay looks for unsent events, and how long
 * an idempotency key's first answer is kept.
 */
public record OrdersOptions(long outboxPollMillis, Duration idempotencyRetention) {
  public static final long DEFAULT_OUTBOX_POLL_MILLIS = 500;
  public static final Duration DEFAULT_IDEMPOTENCY_RETENTION = Duration.ofHours(24);

  public OrdersOptions {
    if (outboxPollMillis < 1) {
      throw new IllegalArgumentException("outbox-poll-ms: must be positive, got " + outboxPollMillis);
    }
    if (idempotencyRetention.isNegative() || idempotencyRetention.toSeconds() < 1) {
      throw new IllegalArgumentException("idempotency-retention: at least one second, got " + idempotencyRetention);
    }
  }

  public OrdersOptions() {
    this(DEFAULT_OUTBOX_POLL_MILLIS, DEFAULT_IDEMPOTENCY_RETENTION);
  }

  public OrdersOptions(JsonObject json) {
    this(json.getLong("outbox-poll-ms", DEFAULT_OUTBOX_POLL_MILLIS),
        Duration.ofSeconds(json.getLong("idempotency-retention-seconds", DEFAULT_IDEMPOTENCY_RETENTION.toSeconds())));
  }

  public OrdersOptions withOutboxPollMillis(long millis) {
    return new OrdersOptions(millis, idempotencyRetention);
  }

  public OrdersOptions withIdempotencyRetention(Duration retention) {
    return new OrdersOptions(outboxPollMillis, retention);
  }

  public JsonObject toJson() {
    return new JsonObject().put("outbox-poll-ms", outboxPollMillis)
        .put("idempotency-retention-seconds", idempotencyRetention.toSeconds());
  }
}
