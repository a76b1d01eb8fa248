package dev.gantry.codecs.orders;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/** Asks for one order by id. */
public record GetOrder(String id) implements WireRecord {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("id", id);
  }

  public static GetOrder fromJson(JsonObject json) {
    return new GetOrder(JsonFields.requireString(json, "id", "id"));
  }
}
