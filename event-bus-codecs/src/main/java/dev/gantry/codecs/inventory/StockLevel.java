package dev.gantry.codecs.inventory;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/** Units of a product available to order. */
public record StockLevel(long productId, long available) implements WireRecord {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("productId", productId).put("available", available);
  }

  public static StockLevel fromJson(JsonObject json) {
    return new StockLevel(JsonFields.requireLong(json, "productId", "productId"),
        JsonFields.requireLong(json, "available", "available"));
  }
}
