package dev.gantry.services.orders;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How the orders service runs: how often its outbox relay looks for unsent events, how long an
 * idempotency key's first answer is kept, and how old a stock reservation without its order must
 * be before its units go back (a node died between reserving and committing; far longer than any
 * placement takes, since one still committing would lose its units).
 */
public record OrdersOptions(long outboxPollMillis, Duration idempotencyRetention, Duration orphanReservationAge) {
  public static final long DEFAULT_OUTBOX_POLL_MILLIS = 500;
  public static final Duration DEFAULT_IDEMPOTENCY_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_ORPHAN_RESERVATION_AGE = Duration.ofMinutes(15);

  public OrdersOptions {
    if (outboxPollMillis < 1) {
      throw new IllegalArgumentException("outbox-poll-ms: must be positive, got " + outboxPollMillis);
    }
    if (idempotencyRetention.isNegative() || idempotencyRetention.toSeconds() < 1) {
      throw new IllegalArgumentException("idempotency-retention: at least one second, got " + idempotencyRetention);
    }
    if (orphanReservationAge.toMillis() < 1) {
      throw new IllegalArgumentException("orphan-reservation-age: must be positive, got " + orphanReservationAge);
    }
  }

  public OrdersOptions(long outboxPollMillis, Duration idempotencyRetention) {
    this(outboxPollMillis, idempotencyRetention, DEFAULT_ORPHAN_RESERVATION_AGE);
  }

  public OrdersOptions() {
    this(DEFAULT_OUTBOX_POLL_MILLIS, DEFAULT_IDEMPOTENCY_RETENTION);
  }

  public OrdersOptions(JsonObject json) {
    this(json.getLong("outbox-poll-ms", DEFAULT_OUTBOX_POLL_MILLIS),
        Duration.ofSeconds(json.getLong("idempotency-retention-seconds", DEFAULT_IDEMPOTENCY_RETENTION.toSeconds())),
        Duration.ofMillis(json.getLong("orphan-reservation-age-ms", DEFAULT_ORPHAN_RESERVATION_AGE.toMillis())));
  }

  public OrdersOptions withOutboxPollMillis(long millis) {
    return new OrdersOptions(millis, idempotencyRetention, orphanReservationAge);
  }

  public OrdersOptions withIdempotencyRetention(Duration retention) {
    return new OrdersOptions(outboxPollMillis, retention, orphanReservationAge);
  }

  public OrdersOptions withOrphanReservationAge(Duration age) {
    return new OrdersOptions(outboxPollMillis, idempotencyRetention, age);
  }

  public JsonObject toJson() {
    return new JsonObject().put("outbox-poll-ms", outboxPollMillis)
        .put("idempotency-retention-seconds", idempotencyRetention.toSeconds())
        .put("orphan-reservation-age-ms", orphanReservationAge.toMillis());
  }
}
