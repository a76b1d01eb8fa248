package dev.gantry.codecs.graphql;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.json.JsonObject;

/**
 * How one field of a service's schema part is resolved over the event bus.
 *
 * <ul>
 *   <li>{@link Kind#FETCH}: the gateway sends {@code {"field", "args", "source"}} to {@code address}
 *       once per parent object and the service replies {@code {"value": …}}.
 *   <li>{@link Kind#BATCH}: the gateway collects the parents' {@code key} values of one execution
 *       level and sends {@code {"field", "args", "keys": [...]}} once; the service replies
 *       {@code {"values": [...]}} in the keys' order (null where there is none).
 *   <li>{@link Kind#SUBSCRIBE}: {@code address} is where events are published; a subscriber gets
 *       those whose field {@code key} equals the field's argument {@code argument}, each event's
 *       JSON being the field's value.
 * </ul>
 *
 * @param coordinate {@code Type.field}, as in {@code Product.stock}
 */
public record FieldBinding(String coordinate, Kind kind, String address, String key, String argument) {
  public enum Kind { FETCH, BATCH, SUBSCRIBE }

  public FieldBinding {
    if (coordinate == null || !coordinate.matches("[_A-Za-z][_0-9A-Za-z]*\\.[_A-Za-z][_0-9A-Za-z]*")) {
      throw new ServiceException(Failure.BAD_REQUEST, "coordinate: must be Type.field, got " + coordinate);
    }
    if (address == null || address.isBlank()) {
      throw new ServiceException(Failure.BAD_REQUEST, coordinate + ".address: is required");
    }
    if (kind != Kind.FETCH && (key == null || key.isBlank())) {
      throw new ServiceException(Failure.BAD_REQUEST, coordinate + ".key: is required for " + kind);
    }
  }

  public String type() {
    return coordinate.substring(0, coordinate.indexOf('.'));
  }

  public String field() {
    return coordinate.substring(coordinate.indexOf('.') + 1);
  }

  public JsonObject toJson() {
    return new JsonObject().put("coordinate", coordinate).put("kind", kind.name()).put("address", address)
        .put("key", key).put("argument", argument);
  }

  public static FieldBinding fromJson(JsonObject json, String path) {
    String kind = JsonFields.requireString(json, "kind", path + ".kind");
    Kind parsed;
    try {
      parsed = Kind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      throw new ServiceException(Failure.BAD_REQUEST, path + ".kind: must be FETCH, BATCH or SUBSCRIBE, got " + kind);
    }
    return new FieldBinding(JsonFields.requireString(json, "coordinate", path + ".coordinate"), parsed,
        JsonFields.requireString(json, "address", path + ".address"),
        JsonFields.optionalString(json, "key", path + ".key"),
        JsonFields.optionalString(json, "argument", path + ".argument"));
  }
}
