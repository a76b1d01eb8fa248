package dev.gantry.codecs.inventory;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/** Asks how many units of a product are available. */
public record GetStock(long productId) implements WireRecord {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("productId", productId);
  }

  public static GetStock fromJson(JsonObject json) {
    return new GetStock(JsonFields.requireLong(json, "productId", "productId"));
  }
}
