package dev.gantry.codecs.catalog;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/** A catalog product. Prices are in the currency's minor unit. */
public record Product(long id, String sku, String name, String description, long priceCents,
    String currency) implements WireRecord {

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("sku", sku).put("name", name)
        .put("description", description).put("priceCents", priceCents).put("currency", currency);
  }

  public static Product fromJson(JsonObject json) {
    return new Product(JsonFields.requireLong(json, "id", "id"),
        JsonFields.requireString(json, "sku", "sku"),
        JsonFields.requireString(json, "name", "name"),
        JsonFields.optionalString(json, "description", "description"),
        JsonFields.requireLong(json, "priceCents", "priceCents"),
        JsonFields.requireString(json, "currency", "currency"));
  }
}
