package dev.gantry.codecs.orders;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A placed order. */
public record Order(String id, String status, List<OrderLine> lines, long totalCents,
    String currency, Instant createdAt) implements WireRecord {

  public Order {
    lines = List.copyOf(lines);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    lines.forEach(l -> array.add(l.toJson()));
    return new JsonObject().put("id", id).put("status", status).put("lines", array)
        .put("totalCents", totalCents).put("currency", currency)
        .put("createdAt", createdAt.toString());
  }

  public static Order fromJson(JsonObject json) {
    JsonArray array = JsonFields.requireArray(json, "lines", "lines");
    List<OrderLine> lines = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      lines.add(OrderLine.fromJson(JsonFields.requireObject(array.getValue(i), "lines[" + i + "]")));
    }
    return new Order(JsonFields.requireString(json, "id", "id"),
        JsonFields.requireString(json, "status", "status"), lines,
        JsonFields.requireLong(json, "totalCents", "totalCents"),
        JsonFields.requireString(json, "currency", "currency"),
        Instant.parse(JsonFields.requireString(json, "createdAt", "createdAt")));
  }
}
