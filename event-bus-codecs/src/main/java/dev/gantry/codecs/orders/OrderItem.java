package dev.gantry.codecs.orders;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/** One line of an order being placed. */
public record OrderItem(long productId, int quantity) implements WireRecord {
  public static final int MAX_QUANTITY = 1000;

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("productId", productId).put("quantity", quantity);
  }

  /** Reads and validates an item; {@code path} names it in errors, e.g. {@code items[2]}. */
  public static OrderItem fromJson(JsonObject json, String path) {
    long productId = JsonFields.requireLong(json, "productId", path + ".productId");
    long quantity = JsonFields.requireLong(json, "quantity", path + ".quantity");
    if (productId <= 0) {
      throw new ServiceException(Failure.UNPROCESSABLE,
          path + ".productId: must be a positive id, got " + productId);
    }
    if (quantity <= 0 || quantity > MAX_QUANTITY) {
      throw new ServiceException(Failure.UNPROCESSABLE,
          path + ".quantity: must be between 1 and " + MAX_QUANTITY + ", got " + quantity);
    }
    return new OrderItem(productId, (int) quantity);
  }
}
