package dev.gantry.codecs.orders;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/** A line of a placed order, priced when it was placed. */
public record OrderLine(long productId, int quantity, long unitPriceCents) implements WireRecord {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("productId", productId).put("quantity", quantity)
        .put("unitPriceCents", unitPriceCents);
  }

  public static OrderLine fromJson(JsonObject json) {
    return new OrderLine(JsonFields.requireLong(json, "productId", "productId"),
        JsonFields.requireInt(json, "quantity", "quantity"),
        JsonFields.requireLong(json, "unitPriceCents", "unitPriceCents"));
  }
}
