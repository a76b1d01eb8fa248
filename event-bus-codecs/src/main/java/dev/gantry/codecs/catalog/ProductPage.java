package dev.gantry.codecs.catalog;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A page of products; {@code nextCursor} is null on the last page. */
public record ProductPage(List<Product> items, String nextCursor) implements WireRecord {
  public ProductPage {
    items = List.copyOf(items);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(p -> array.add(p.toJson()));
    return new JsonObject().put("items", array).put("nextCursor", nextCursor);
  }

  public static ProductPage fromJson(JsonObject json) {
    JsonArray array = JsonFields.requireArray(json, "items", "items");
    List<Product> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      items.add(Product.fromJson(JsonFields.requireObject(array.getValue(i), "items[" + i + "]")));
    }
    return new ProductPage(items, JsonFields.optionalString(json, "nextCursor", "nextCursor"));
  }
}
