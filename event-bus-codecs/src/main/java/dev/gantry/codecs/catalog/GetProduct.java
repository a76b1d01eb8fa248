package dev.gantry.codecs.catalog;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/** Asks for one product by id. */
public record GetProduct(long id) implements WireRecord {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("id", id);
  }

  public static GetProduct fromJson(JsonObject json) {
    return new GetProduct(JsonFields.requireLong(json, "id", "id"));
  }
}
