package dev.gantry.analytics.ingest;

import java.time.Instant;
import java.util.List;

/**
 * One event of {@code orders.v1}, flattened for the warehouse: its id (the {@code gantry-event-id}
 * header, unique per event and equal on every redelivery), what happened,
 * and the order as it stood after it.
 */
public record OrderEvent(String eventId, String type, String orderId, String status, String currency,
    long totalCents, Instant occurredAt, int partition, long offset, List<Line> lines) {

  /** A line of a placed order. */
  public record Line(int lineNo, long productId, int quantity, long unitPriceCents) {}

  public OrderEvent {
    lines = List.copyOf(lines);
  }
}
