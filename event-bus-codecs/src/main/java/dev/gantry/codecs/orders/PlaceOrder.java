package dev.gantry.codecs.orders;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Places an order. Validated on construction from JSON, so a bad order never reaches a service. */
public record PlaceOrder(List<OrderItem> items) implements WireRecord {
  public static final int MAX_ITEMS = 100;

  public PlaceOrder {
    items = List.copyOf(items);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(i.toJson()));
    return new JsonObject().put("items", array);
  }

  public static PlaceOrder fromJson(JsonObject json) {
    JsonArray array = JsonFields.requireArray(json, "items", "items");
    if (array.isEmpty() || array.size() > MAX_ITEMS) {
      throw new ServiceException(Failure.UNPROCESSABLE,
          "items: must hold between 1 and " + MAX_ITEMS + " items, got " + array.size());
    }
    List<OrderItem> items = new ArrayList<>(array.size());
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String path = "items[" + i + "]";
      OrderItem item = OrderItem.fromJson(JsonFields.requireObject(array.getValue(i), path), path);
      if (!seen.add(item.productId())) {
        throw new ServiceException(Failure.UNPROCESSABLE,
            path + ".productId: product " + item.productId() + " appears twice");
      }
      items.add(item);
    }
    return new PlaceOrder(items);
  }
}
