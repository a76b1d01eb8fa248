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
import java.util.regex.Pattern;

/**
 * Places an order. Validated on construction from JSON, so a bad order never reaches a service.
 * With an {@code idempotencyKey} (null: none) a retry with the same key and the same items gets
 * the first placement's answer, and other items under the same key are refused.
 */
public record PlaceOrder(List<OrderItem> items, String idempotencyKey) implements WireRecord {
  public static final int MAX_ITEMS = 100;
  public static final int MAX_KEY_LENGTH = 255;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:~+/=-]{1," + MAX_KEY_LENGTH + "}");

  public PlaceOrder {
    items = List.copyOf(items);
  }

  public PlaceOrder(List<OrderItem> items) {
    this(items, null);
  }

  /** This order under {@code key} (null: none), checked as {@link #checkKey} does; {@code name} names it in errors. */
  public PlaceOrder withIdempotencyKey(String key, String name) {
    return new PlaceOrder(items, key == null ? null : checkKey(key, name));
  }

  /**
   * An idempotency key is 1 to 255 of letters, digits and {@code ._:~+/=-} (a UUID, a ULID or a
   * base64 token fit); anything else is the client's mistake, named by {@code name}.
   */
  public static String checkKey(String key, String name) {
    if (!KEY.matcher(key).matches()) {
      throw new ServiceException(Failure.BAD_REQUEST, name + ": must be 1 to " + MAX_KEY_LENGTH
          + " letters, digits or ._:~+/=- (got " + (key.length() > MAX_KEY_LENGTH ? key.length() + " characters"
          : "a value with other characters") + ")");
    }
    return key;
  }

  /** The items alone, canonically: what "the same order" means to an idempotency key. */
  public JsonObject itemsJson() {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(i.toJson()));
    return new JsonObject().put("items", array);
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = itemsJson();
    if (idempotencyKey != null) {
      json.put("idempotencyKey", idempotencyKey);
    }
    return json;
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
    String key = JsonFields.optionalString(json, "idempotencyKey", "idempotencyKey");
    return new PlaceOrder(items, key == null ? null : checkKey(key, "idempotencyKey"));
  }
}
