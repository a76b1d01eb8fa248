package dev.gantry.codecs.catalog;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.json.JsonObject;

/**
 * One page of the catalog, in id order.
 *
 * @param limit  page size, 1 to {@link #MAX_LIMIT}
 * @param cursor the {@code nextCursor} of the previous page, or null for the first page
 */
public record ListProducts(int limit, String cursor) implements WireRecord {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  public ListProducts {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ServiceException(Failure.BAD_REQUEST,
          "limit: must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("limit", limit).put("cursor", cursor);
  }

  public static ListProducts fromJson(JsonObject json) {
    return new ListProducts(JsonFields.requireInt(json, "limit", "limit"),
        JsonFields.optionalString(json, "cursor", "cursor"));
  }
}
