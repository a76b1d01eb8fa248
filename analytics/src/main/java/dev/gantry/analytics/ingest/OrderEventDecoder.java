package dev.gantry.analytics.ingest;

import dev.gantry.services.sdk.kafka.RecordDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an {@code orders.v1} record strictly: a {@code gantry-event-id} (a UUID from the outbox), a known
 * {@code type}, an order with id, status, currency, total and lines. Anything else is refused with
 * the field that was wrong, which sends the record to the dead-letter topic.
 */
public final class OrderEventDecoder implements RecordDecoder<OrderEventDecoder.Decoded> {
  public static final String EVENT_ID = "gantry-event-id";
  private static final java.util.regex.Pattern EVENT_ID_FORM = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  static final List<String> TYPES = List.of("order.placed", "order.paid", "order.cancelled");

  /** A decoded event before the consumer knows its partition and offset. */
  public record Decoded(String eventId, String type, String orderId, String status, String currency,
      long totalCents, Instant occurredAt, List<OrderEvent.Line> lines) {}

  @Override
  public Decoded decode(String key, Buffer value, Map<String, String> headers) {
    String eventId = headers.get(EVENT_ID);
    if (eventId == null || !EVENT_ID_FORM.matcher(eventId).matches()) {
      throw new IllegalArgumentException("header " + EVENT_ID + ": expected 1 to 100 letters, digits or -_.:, got "
          + (eventId == null ? "none" : "\"" + bounded(eventId) + "\""));
    }
    JsonObject json;
    try {
      json = new JsonObject(value == null ? Buffer.buffer() : value);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("value: not a JSON object");
    }
    String type = string(json, "type", "type");
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("type: expected one of " + TYPES + ", got \"" + bounded(type) + "\"");
    }
    Object order = json.getValue("order");
    if (!(order instanceof JsonObject o)) {
      throw new IllegalArgumentException("order: expected an object");
    }
    Object rawLines = o.getValue("lines");
    if (!(rawLines instanceof JsonArray array)) {
      throw new IllegalArgumentException("order.lines: expected an array");
    }
    List<OrderEvent.Line> lines = new ArrayList<>();
    if (type.equals("order.placed")) {
      for (int i = 0; i < array.size(); i++) {
        if (!(array.getValue(i) instanceof JsonObject l)) {
          throw new IllegalArgumentException("order.lines[" + i + "]: expected an object");
        }
        lines.add(new OrderEvent.Line(i + 1, number(l, "productId", "order.lines[" + i + "].productId"),
            (int) number(l, "quantity", "order.lines[" + i + "].quantity"),
            number(l, "unitPriceCents", "order.lines[" + i + "].unitPriceCents")));
      }
    }
    Object occurred = json.getValue("occurredAt");
    String at = occurred instanceof String s ? s : string(o, "createdAt", "order.createdAt");
    Instant when;
    try {
      when = Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("occurredAt: not an ISO-8601 instant: \"" + bounded(at) + "\"");
    }
    return new Decoded(eventId, type, string(o, "id", "order.id"), string(o, "status", "order.status"),
        string(o, "currency", "order.currency"), number(o, "totalCents", "order.totalCents"), when, lines);
  }

  /** The event with where it was read. */
  public static OrderEvent event(Decoded d, int partition, long offset) {
    return new OrderEvent(d.eventId(), d.type(), d.orderId(), d.status(), d.currency(), d.totalCents(),
        d.occurredAt(), partition, offset, d.lines());
  }

  private static String string(JsonObject json, String key, String path) {
    if (!(json.getValue(key) instanceof String s) || s.isEmpty() || s.length() > 200) {
      throw new IllegalArgumentException(path + ": expected a string of 1 to 200 characters");
    }
    return s;
  }

  private static long number(JsonObject json, String key, String path) {
    Object v = json.getValue(key);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(path + ": expected an integer");
    }
    return n.longValue();
  }

  private static String bounded(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
